"""Encryption at rest of short secrets (Fernet: AES-128-CBC + HMAC-SHA256, from ``cryptography``).

Each service that stores secrets (api_manager's data source URLs, cep's channel passwords and signing
secrets) has its own key setting, e.g. ``OPSUITE_API_MANAGER_SECRET_KEY``: a Fernet key, urlsafe base64
of 32 random bytes, from
``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``.
For development, when it is unset, a key is derived from the JWT secret with HKDF-SHA256 (one ``purpose``
per service, so the services' keys differ) and a warning is logged: rotating the JWT secret then makes
stored secrets undecryptable, so production must set the key.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from opsuite_common.errors import InternalError
from opsuite_common.logging import get_logger

__all__ = ["SecretBox", "derive_key"]

log = get_logger("opsuite.secretbox")

_GENERATE_HINT = 'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'


def derive_key(material: str, purpose: bytes) -> bytes:
    """A Fernet key derived from ``material`` (the JWT secret) for ``purpose`` with HKDF-SHA256."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(material.encode())
    return base64.urlsafe_b64encode(raw)


class SecretBox:
    """Encrypts and decrypts short secrets with one Fernet key.

    ``setting`` names the key's environment variable and ``what`` the secrets, for messages a person can
    act on; ``reason`` is the error reason when a stored secret no longer decrypts (the key changed).
    """

    def __init__(
        self,
        key: bytes | str,
        *,
        setting: str = "the secret key",
        what: str = "secret",
        reason: str = "SECRET_KEY_MISMATCH",
        remedy: str = "set the key back or enter the secret again",
    ) -> None:
        """``key`` is a Fernet key; a malformed one is a start-up error with a hint."""
        self.setting, self.what, self.reason, self.remedy = setting, what, reason, remedy
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"{setting} is not a Fernet key (urlsafe base64 of 32 bytes); generate one with: {_GENERATE_HINT}"
            ) from exc

    @classmethod
    def from_settings(
        cls,
        secret_key: str | None,
        jwt_secret: str | None,
        *,
        setting: str,
        purpose: bytes,
        what: str,
        reason: str,
        remedy: str = "set the key back or enter the secret again",
    ) -> SecretBox:
        """The configured key, else one derived from the JWT secret for ``purpose`` (with a warning)."""
        names = {"setting": setting, "what": what, "reason": reason, "remedy": remedy}
        if secret_key:
            return cls(secret_key.encode(), **names)
        if not jwt_secret:
            raise ValueError(f"set {setting} (a Fernet key) to encrypt {what}s at rest")
        log.warning(
            f"{setting} is unset: deriving the key that encrypts {what}s from the JWT secret "
            "(development only; set a dedicated key in production)"
        )
        return cls(derive_key(jwt_secret, purpose), **names)

    def encrypt(self, plaintext: str) -> str:
        """The token (text) for ``plaintext``."""
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        """The plaintext of ``token``; a wrong key is an InternalError that names the setting, not the secret."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise InternalError(
                f"a stored {self.what} cannot be decrypted: {self.setting} changed since it was saved; {self.remedy}",
                reason=self.reason,
            ) from None
