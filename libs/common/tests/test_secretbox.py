"""SecretBox: secrets round-trip, a changed key is an actionable error that leaks nothing, dev keys differ."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from opsuite_common.errors import InternalError
from opsuite_common.secretbox import SecretBox

NAMES = {"setting": "OPSUITE_X_SECRET_KEY", "what": "channel secret", "reason": "CHANNEL_KEY_MISMATCH"}


def test_round_trip_and_the_token_does_not_contain_the_secret() -> None:
    box = SecretBox(Fernet.generate_key(), **NAMES)
    token = box.encrypt("hunter2-webhook-secret")
    assert "hunter2" not in token and box.decrypt(token) == "hunter2-webhook-secret"
    assert box.encrypt("same") != box.encrypt("same")  # a fresh IV every time


def test_a_changed_key_names_the_setting_and_never_the_secret() -> None:
    token = SecretBox(Fernet.generate_key(), **NAMES).encrypt("hunter2")
    with pytest.raises(InternalError) as info:
        SecretBox(Fernet.generate_key(), **NAMES, remedy="enter the channel's secrets again").decrypt(token)
    assert info.value.reason == "CHANNEL_KEY_MISMATCH"
    assert (
        "OPSUITE_X_SECRET_KEY changed" in info.value.message
        and "enter the channel's secrets again" in info.value.message
    )
    assert "hunter2" not in info.value.message and token not in info.value.message


def test_a_malformed_key_is_a_startup_error_with_a_hint() -> None:
    with pytest.raises(ValueError, match=r"OPSUITE_X_SECRET_KEY is not a Fernet key.*generate_key"):
        SecretBox("not-a-key", **NAMES)


def test_development_keys_come_from_the_jwt_secret_one_per_purpose() -> None:
    a1 = SecretBox.from_settings(None, "jwt-secret", purpose=b"a v1", **NAMES)
    a2 = SecretBox.from_settings(None, "jwt-secret", purpose=b"a v1", **NAMES)
    b = SecretBox.from_settings(None, "jwt-secret", purpose=b"b v1", **NAMES)
    token = a1.encrypt("s")
    assert a2.decrypt(token) == "s"  # stable across restarts
    with pytest.raises(InternalError):
        b.decrypt(token)  # another service's key cannot read it
    with pytest.raises(ValueError, match="set OPSUITE_X_SECRET_KEY"):
        SecretBox.from_settings(None, None, purpose=b"a v1", **NAMES)
    key = Fernet.generate_key().decode()
    assert (
        SecretBox.from_settings(key, "ignored", purpose=b"a v1", **NAMES).decrypt(Fernet(key).encrypt(b"k").decode())
        == "k"
    )
