"""ChannelSecrets: sealing round-trips, tokens are bound to their channel, old configs open, input is checked."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet

from opsuite_cep.app.channel_secrets import SEALED, ChannelSecrets, refuse_sealed_input
from opsuite_common.errors import FailedPreconditionError, InternalError, ValidationError
from opsuite_common.secretbox import SecretBox

A = {"tenant": "tenant-a", "channel_id": "ch-1"}


def _secrets(key: bytes | None = None) -> ChannelSecrets:
    return ChannelSecrets(SecretBox(key or Fernet.generate_key(), reason="CHANNEL_KEY_MISMATCH"))


def test_seal_then_open_round_trips_and_only_secrets_are_sealed() -> None:
    secrets = _secrets()
    config = {"url": "https://h.test", "secret": "k", "secret_headers": {"Authorization": "Bearer t"}, "headers": {}}
    stored = json.loads(secrets.seal(config, **A))
    assert stored["url"] == "https://h.test" and stored["headers"] == {}
    assert set(stored["secret"]) == {SEALED} and set(stored["secret_headers"]) == {SEALED}
    assert secrets.open(json.dumps(stored), **A) == config


def test_a_token_copied_into_another_channel_or_key_does_not_open() -> None:
    secrets = _secrets()
    stored = json.loads(secrets.seal({"secret_headers": {"Authorization": "Bearer victim"}}, **A))
    stolen = stored["secret_headers"]
    with pytest.raises(InternalError):
        secrets.open(json.dumps({"secret_headers": stolen}), tenant="tenant-b", channel_id="ch-9")
    with pytest.raises(InternalError):
        secrets.open(json.dumps({"secret": stolen}), **A)  # another key of the same channel
    # Public keys are never opened, whatever they hold.
    assert secrets.open(json.dumps({"headers": stolen}), **A) == {"headers": stolen}


def test_a_config_stored_in_clear_before_sealing_still_opens_and_is_sealed_on_its_next_save() -> None:
    secrets = _secrets()
    legacy = json.dumps({"host": "smtp.test", "password": "legacy-password-7f3a"})
    opened = secrets.open(legacy, **A)
    assert opened == {"host": "smtp.test", "password": "legacy-password-7f3a"}
    assert "legacy-password-7f3a" not in secrets.seal(opened, **A)


def test_an_update_opens_only_the_secrets_it_leaves_out() -> None:
    old = _secrets().seal({"url": "u", "secret": "k", "password": "p"}, **A)
    rekeyed = _secrets()  # the key changed since
    merged = rekeyed.merge_for_update(old, {"url": "u2", "secret": "k2", "password": "p2"}, **A)
    assert merged == {"url": "u2", "secret": "k2", "password": "p2"}
    with pytest.raises(FailedPreconditionError) as info:
        rekeyed.merge_for_update(old, {"url": "u2", "secret": "k2"}, **A)
    assert info.value.reason == "CHANNEL_KEY_MISMATCH" and "password" in info.value.message
    key = Fernet.generate_key()
    kept = _secrets(key).merge_for_update(_secrets(key).seal({"secret": "k"}, **A), {"url": "u"}, **A)
    assert kept == {"secret": "k", "url": "u"}


@pytest.mark.parametrize(
    "config",
    [{"secret": {SEALED: "gAAAA"}}, {"headers": {"$sealed": "x"}}, {"params": [{"a": {SEALED: "x"}}]}],
)
def test_a_client_can_never_hand_in_a_sealed_value(config: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as info:
        refuse_sealed_input(config)
    assert info.value.field_violations[0].field.startswith("config")
