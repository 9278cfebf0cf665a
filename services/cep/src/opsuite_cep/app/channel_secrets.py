"""Channel secrets are encrypted at rest: the stored config holds ``{"$sealed": <Fernet token>}`` for each.

Which keys are secret is ``senders.SECRET_KEYS`` (``secret``, ``password``, ``secret_headers``); they
are write-only in the API as well. A value is sealed as JSON together with the tenant, the channel id
and the key it belongs to, and opening checks all three, so a token copied into another channel (or
another key) does not open. Only secret keys are ever opened, and a client can never hand in a sealed
value (:func:`refuse_sealed_input`). Configs stored before sealing existed still open (a plain value is
taken as is) and are sealed on their next update.

Where a secret enters (given in a create or update, or opened for a delivery, a test or an update),
:func:`register_channel_secrets` registers it with the current secret scope
(``opsuite_common.secretscope``): the secret values, each secret header's value (and the credential
after its scheme, as in ``Bearer <token>``) and the password in the URL's userinfo are then masked in
errors, responses, delivery records and logs.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from opsuite_cep.adapters.senders import SECRET_KEYS
from opsuite_common.errors import FailedPreconditionError, InternalError, ValidationError
from opsuite_common.secretbox import SecretBox
from opsuite_common.secretscope import register_secret, register_url_secrets

__all__ = ["SEALED", "ChannelSecrets", "channel_box", "refuse_sealed_input", "register_channel_secrets"]

SEALED = "$sealed"
#: HKDF purpose of the development key (cep's own: api_manager's key cannot open these).
_PURPOSE = b"opsuite cep channel secrets v1"
_MISMATCH = "CHANNEL_KEY_MISMATCH"


def channel_box(secret_key: str | None, jwt_secret: str | None) -> SecretBox:
    """The box that encrypts channel secrets (``OPSUITE_CEP_SECRET_KEY``)."""
    return SecretBox.from_settings(
        secret_key,
        jwt_secret,
        setting="OPSUITE_CEP_SECRET_KEY",
        purpose=_PURPOSE,
        what="channel secret",
        reason=_MISMATCH,
        remedy="update the channel giving its secrets again",
    )


def refuse_sealed_input(config: Mapping[str, Any]) -> None:
    """A ValidationError when a client's config holds a ``$sealed`` key anywhere (only cep writes those)."""

    def walk(value: object, path: str) -> str | None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                if key == SEALED:
                    return path
                if (found := walk(item, f"{path}.{key}")) is not None:
                    return found
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if (found := walk(item, f"{path}[{i}]")) is not None:
                    return found
        return None

    found = walk(dict(config), "config")
    if found is not None:
        raise ValidationError.for_field(found, f"{SEALED!r} is reserved; give the secret's value itself")


def register_channel_secrets(config: Mapping[str, Any]) -> None:
    """Register the secrets in clear in ``config`` (sealed ones are skipped) with the current secret scope."""
    for key in SECRET_KEYS:
        value = config.get(key)
        if isinstance(value, Mapping):
            if set(value) == {SEALED}:
                continue
            for item in value.values():
                register_secret(item)
                if isinstance(item, str) and " " in item.strip():
                    register_secret(item.strip().rsplit(" ", 1)[-1])  # "Bearer <token>": the token alone too
        elif isinstance(value, str):
            register_secret(value)
    url = config.get("url")
    if isinstance(url, str):
        register_url_secrets(url)


class ChannelSecrets:
    """Seals a channel config's secrets for storage and opens them for a delivery or an update."""

    def __init__(self, box: SecretBox) -> None:
        self.box = box

    def seal(self, config: Mapping[str, Any], *, tenant: str, channel_id: str) -> str:
        """The config as stored: JSON text with every (non-empty) secret value sealed."""
        stored = {
            key: {SEALED: self._seal_one(value, tenant, channel_id, key)} if key in SECRET_KEYS and value else value
            for key, value in config.items()
        }
        return json.dumps(stored)

    def open(self, stored: str, *, tenant: str, channel_id: str, keys: Collection[str] = SECRET_KEYS) -> dict[str, Any]:
        """The config with the secrets among ``keys`` in clear, from its stored JSON text."""
        config: dict[str, Any] = json.loads(stored)
        for key in SECRET_KEYS.intersection(keys):
            value = config.get(key)
            if isinstance(value, Mapping) and set(value) == {SEALED}:
                config[key] = self._open_one(str(value[SEALED]), tenant, channel_id, key)
        register_channel_secrets(config)
        return config

    def merge_for_update(
        self, stored: str, update: Mapping[str, Any], *, tenant: str, channel_id: str
    ) -> dict[str, Any]:
        """``update`` plus the stored secrets it leaves out (opened): the config an update validates.

        A stored secret that no longer opens (the key changed) is a FailedPreconditionError naming it, so
        the caller can give it again in the same update; secrets the update gives are never opened.
        """
        kept = [key for key in SECRET_KEYS if key not in update]
        try:
            old = self.open(stored, tenant=tenant, channel_id=channel_id, keys=kept)
        except InternalError as exc:
            if exc.reason != _MISMATCH:
                raise
            missing = ", ".join(sorted(k for k in kept if json.loads(stored).get(k)))
            raise FailedPreconditionError(
                f"the channel's stored {missing} cannot be decrypted (OPSUITE_CEP_SECRET_KEY changed since it "
                "was saved); give it again in this update",
                reason=_MISMATCH,
            ) from None
        return {**{k: v for k, v in old.items() if k in kept and k in old}, **dict(update)}

    def _seal_one(self, value: Any, tenant: str, channel_id: str, key: str) -> str:
        return self.box.encrypt(json.dumps({"t": tenant, "c": channel_id, "k": key, "v": value}))

    def _open_one(self, token: str, tenant: str, channel_id: str, key: str) -> Any:
        sealed = json.loads(self.box.decrypt(token))
        if not isinstance(sealed, dict) or (sealed.get("t"), sealed.get("c"), sealed.get("k")) != (
            tenant,
            channel_id,
            key,
        ):
            raise InternalError(
                f"a stored channel secret ({key}) belongs to another channel; update the channel giving it again",
                reason=_MISMATCH,
            )
        return sealed.get("v")
