"""Encryption at rest of data source URLs (Fernet: AES-128-CBC + HMAC-SHA256, from ``cryptography``).

The key is ``OPSUITE_API_MANAGER_SECRET_KEY`` (a Fernet key: urlsafe base64 of 32 random bytes, e.g. from
``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``). For
development, when it is unset, a key is derived from the JWT secret with HKDF-SHA256 and a warning is
logged: rotating the JWT secret then makes stored URLs undecryptable, so production must set the key.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from opsuite_common.errors import InternalError
from opsuite_common.logging import get_logger

__all__ = ["SecretBox", "derive_key"]

log = get_logger("opsuite.api_manager.crypto")

_HKDF_INFO = b"opsuite api_manager data source urls v1"


def derive_key(material: str) -> bytes:
    """A Fernet key derived from ``material`` (the JWT secret) with HKDF-SHA256."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(material.encode())
    return base64.urlsafe_b64encode(raw)


class SecretBox:
    """Encrypts and decrypts short secrets (data source URLs) with one Fernet key."""

    def __init__(self, key: bytes | str) -> None:
        """``key`` is a Fernet key; a malformed one is a start-up error with a hint."""
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ValueError(
                "OPSUITE_API_MANAGER_SECRET_KEY is not a Fernet key (urlsafe base64 of 32 bytes); generate one "
                'with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
            ) from exc

    @classmethod
    def from_settings(cls, secret_key: str | None, jwt_secret: str | None) -> SecretBox:
        """The configured key, else one derived from the JWT secret (with a warning)."""
        if secret_key:
            return cls(secret_key.encode())
        if not jwt_secret:
            raise ValueError("set OPSUITE_API_MANAGER_SECRET_KEY (a Fernet key) to encrypt data source credentials")
        log.warning(
            "OPSUITE_API_MANAGER_SECRET_KEY is unset: deriving the data source encryption key from the JWT "
            "secret (development only; set a dedicated key in production)"
        )
        return cls(derive_key(jwt_secret))

    def encrypt(self, plaintext: str) -> str:
        """The token (text) for ``plaintext``."""
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        """The plaintext of ``token``; a wrong key is an InternalError that names the setting, not the secret."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise InternalError(
                "a stored data source URL cannot be decrypted: OPSUITE_API_MANAGER_SECRET_KEY changed since it "
                "was saved; re-create the data source",
                reason="DATA_SOURCE_KEY_MISMATCH",
            ) from None
