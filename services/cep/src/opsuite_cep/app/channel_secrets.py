"""Channel secrets are encrypted at rest: the stored config holds ``{"$sealed": <Fernet token>}`` for each.

Which keys are secret is ``senders.SECRET_KEYS`` (``secret``, ``password``, ``secret_headers``); they
are write-only in the API as well. A value is sealed as its JSON, so a map (``secret_headers``) is one
token. Configs stored before sealing existed still open (a plain value is taken as is) and are sealed
on their next update.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from opsuite_cep.app.senders import SECRET_KEYS
from opsuite_common.secretbox import SecretBox

__all__ = ["SEALED", "ChannelSecrets", "channel_box"]

SEALED = "$sealed"
#: HKDF purpose of the development key (cep's own: api_manager's key cannot open these).
_PURPOSE = b"opsuite cep channel secrets v1"


def channel_box(secret_key: str | None, jwt_secret: str | None) -> SecretBox:
    """The box that encrypts channel secrets (``OPSUITE_CEP_SECRET_KEY``)."""
    return SecretBox.from_settings(
        secret_key,
        jwt_secret,
        setting="OPSUITE_CEP_SECRET_KEY",
        purpose=_PURPOSE,
        what="channel secret",
        reason="CHANNEL_KEY_MISMATCH",
        remedy="update the channel with its secrets again",
    )


class ChannelSecrets:
    """Seals a channel config's secrets for storage and opens them for a delivery or an update."""

    def __init__(self, box: SecretBox) -> None:
        self.box = box

    def seal(self, config: Mapping[str, Any]) -> str:
        """The config as stored: JSON text with every secret value sealed."""
        stored = {
            k: {SEALED: self.box.encrypt(json.dumps(v))} if k in SECRET_KEYS and v and not _is_sealed(v) else v
            for k, v in config.items()
        }
        return json.dumps(stored)

    def open(self, stored: str) -> dict[str, Any]:
        """The config with its secrets in clear, from its stored JSON text."""
        config: dict[str, Any] = json.loads(stored)
        for key, value in config.items():
            if _is_sealed(value):
                config[key] = json.loads(self.box.decrypt(str(value[SEALED])))
        return config


def _is_sealed(value: object) -> bool:
    return isinstance(value, Mapping) and set(value) == {SEALED}
