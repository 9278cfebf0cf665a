"""Encryption at rest of data source URLs: the common :class:`SecretBox` with api_manager's key.

The key is ``OPSUITE_API_MANAGER_SECRET_KEY`` (a Fernet key); unset, it is derived from the JWT secret
for development (see ``opsuite_common.secretbox``).
"""

from __future__ import annotations

from opsuite_common.secretbox import SecretBox

__all__ = ["data_source_box"]

#: HKDF purpose of the development key (unchanged since data source URLs were first encrypted).
_PURPOSE = b"opsuite api_manager data source urls v1"


def data_source_box(secret_key: str | None, jwt_secret: str | None) -> SecretBox:
    """The box that encrypts data source URLs."""
    return SecretBox.from_settings(
        secret_key,
        jwt_secret,
        setting="OPSUITE_API_MANAGER_SECRET_KEY",
        purpose=_PURPOSE,
        what="data source URL",
        reason="DATA_SOURCE_KEY_MISMATCH",
        remedy="re-create the data source",
    )
