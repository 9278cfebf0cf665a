"""Secret settings from files: ``<VARIABLE>_FILE`` next to every secret variable."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from opsuite.common.v1 import common_pb2
from opsuite.ops.v1 import ops_pb2_grpc
from opsuite_common.secretfiles import secret_fields
from opsuite_common.settings import AuthSettings
from opsuite_common.testing.processes import free_port, wait_serving
from opsuite_common.testing.servers import TokenFactory
from opsuite_ops.config import Settings as OpsSettings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for key in list(os.environ):
        if key.startswith("OPSUITE_"):
            monkeypatch.delenv(key)
    yield monkeypatch


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_every_secret_setting_accepts_a_file(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert {"jwt_secret", "jwt_private_key"} <= set(secret_fields(AuthSettings))
    assert {"llm_api_key", "database_url", "rate_limit_redis_url"} <= set(secret_fields(OpsSettings))
    clean_env.setenv("OPSUITE_AUTH_JWT_SECRET_FILE", str(_write(tmp_path / "jwt", "s3cret-from-a-file\n")))
    clean_env.setenv("OPSUITE_OPS_LLM_API_KEY_FILE", str(_write(tmp_path / "llm", "sk-local")))
    db = tmp_path / "ops.db"
    clean_env.setenv("OPSUITE_OPS_DATABASE_URL_FILE", str(_write(tmp_path / "db", f"sqlite:///{db}\n")))
    auth = AuthSettings()
    assert auth.jwt_secret is not None and auth.jwt_secret.get_secret_value() == "s3cret-from-a-file"
    ops = OpsSettings()
    assert ops.llm_api_key is not None and ops.llm_api_key.get_secret_value() == "sk-local"
    assert ops.database_url == f"sqlite:///{db}"
    # A value given in code wins over the file.
    assert OpsSettings(database_url="sqlite:///elsewhere.db").database_url == "sqlite:///elsewhere.db"


def test_a_variable_and_its_file_together_are_refused(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("OPSUITE_AUTH_JWT_SECRET", "inline")
    clean_env.setenv("OPSUITE_AUTH_JWT_SECRET_FILE", str(_write(tmp_path / "jwt", "from-file")))
    with pytest.raises(ValueError, match="OPSUITE_AUTH_JWT_SECRET and OPSUITE_AUTH_JWT_SECRET_FILE are both set"):
        AuthSettings()


def test_an_empty_variable_beside_its_file_does_not_win(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # compose's ${X:-} leaves an empty variable: the file must give the value, not the empty string.
    clean_env.setenv("OPSUITE_AUTH_JWT_SECRET", "")
    clean_env.setenv("OPSUITE_AUTH_JWT_SECRET_FILE", str(_write(tmp_path / "jwt", "from-file\n")))
    auth = AuthSettings()
    assert auth.jwt_secret is not None and auth.jwt_secret.get_secret_value() == "from-file"
    clean_env.setenv("OPSUITE_OPS_RATE_LIMIT_REDIS_URL", "")
    clean_env.setenv("OPSUITE_OPS_RATE_LIMIT_REDIS_URL_FILE", str(_write(tmp_path / "r", "redis://127.0.0.1:6379/0")))
    assert OpsSettings().rate_limit_redis_url == "redis://127.0.0.1:6379/0"


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OPSUITE_")}
    args = [sys.executable, "-m", "opsuite_ops.main"]
    return subprocess.run(args, env=clean | env, capture_output=True, text=True, timeout=60)


def test_a_refused_secret_file_is_one_line_that_never_shows_the_secret(tmp_path: Path) -> None:
    # A Redis URL whose password comes from a file, refused (port out of range): the error names the setting
    # and why, never the value.
    url = _write(tmp_path / "redis", "redis://:s3cretpw@127.0.0.1:99999/0")
    r = _start({"OPSUITE_OPS_RATE_LIMIT_REDIS_URL_FILE": str(url)})
    assert r.returncode == 2 and "rate_limit_redis_url" in r.stderr and "s3cretpw" not in r.stderr
    r = _start({"OPSUITE_OPS_DATABASE_URL_FILE": str(tmp_path / "missing")})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert (
        r.stderr.strip()
        == f"ops: invalid settings: OPSUITE_OPS_DATABASE_URL_FILE: cannot read {tmp_path / 'missing'}: "
        "No such file or directory"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read"), ("", "is empty"), ("\n", "is empty"), (b"\xff\xfe", "not UTF-8")],
)
def test_an_unreadable_or_empty_file_is_refused(
    clean_env: pytest.MonkeyPatch, tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / "jwt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    clean_env.setenv("OPSUITE_AUTH_JWT_SECRET_FILE", str(path))
    with pytest.raises(ValueError, match=message):
        AuthSettings()


def test_a_service_started_with_secrets_only_in_files_serves(tmp_path: Path) -> None:
    secret = secrets.token_urlsafe(32)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPSUITE_")}
    env |= {
        "OPSUITE_OPS_PORT": str(port),
        "OPSUITE_OPS_DATABASE_URL_FILE": str(_write(tmp_path / "db", f"sqlite:///{tmp_path / 'ops.db'}\n")),
        "OPSUITE_AUTH_JWT_SECRET_FILE": str(_write(tmp_path / "jwt", secret + "\n")),
    }
    log = tmp_path / "ops.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "opsuite_ops.main"], env=env, stdout=out, stderr=out)
    try:
        wait_serving(port, proc, log)
        assert secret not in Path(f"/proc/{proc.pid}/environ").read_bytes().decode(errors="replace")
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = ops_pb2_grpc.OpsServiceStub(channel)
            info = stub.GetServerInfo(
                common_pb2.GetServerInfoRequest(), metadata=TokenFactory(secret).metadata(), timeout=10
            )
            assert info.service
            with pytest.raises(grpc.RpcError) as refused:  # a token signed with another key
                stub.GetServerInfo(common_pb2.GetServerInfoRequest(), metadata=TokenFactory().metadata(), timeout=10)
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        proc.terminate()
        proc.wait(15)
