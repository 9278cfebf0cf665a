"""ChannelSecrets: sealing round-trips, configs stored before sealing still open, nothing sealed twice."""

from __future__ import annotations

import json

from cryptography.fernet import Fernet

from opsuite_cep.app.channel_secrets import SEALED, ChannelSecrets
from opsuite_common.secretbox import SecretBox


def _secrets() -> ChannelSecrets:
    return ChannelSecrets(SecretBox(Fernet.generate_key()))


def test_seal_then_open_round_trips_and_only_secrets_are_sealed() -> None:
    secrets = _secrets()
    config = {"url": "https://h.test", "secret": "k", "secret_headers": {"Authorization": "Bearer t"}, "headers": {}}
    stored = json.loads(secrets.seal(config))
    assert stored["url"] == "https://h.test" and stored["headers"] == {}
    assert set(stored["secret"]) == {SEALED} and set(stored["secret_headers"]) == {SEALED}
    assert secrets.open(json.dumps(stored)) == config


def test_a_config_stored_in_clear_before_sealing_still_opens_and_is_sealed_on_its_next_save() -> None:
    secrets = _secrets()
    legacy = json.dumps({"host": "smtp.test", "password": "pw"})
    opened = secrets.open(legacy)
    assert opened == {"host": "smtp.test", "password": "pw"}
    assert "pw" not in secrets.seal(opened)


def test_empty_secrets_stay_empty_and_a_sealed_value_is_not_sealed_again() -> None:
    secrets = _secrets()
    once = json.loads(secrets.seal({"secret": "k", "password": ""}))
    assert once["password"] == ""
    twice = json.loads(secrets.seal(once))
    assert twice["secret"] == once["secret"] and secrets.open(json.dumps(twice))["secret"] == "k"
