"""docker-compose.yml is consistent with the code and the README (Docker cannot run here).

Every service's command names a module that exists; every environment variable it sets is a real
setting of that service (or of the shared auth/client settings) and is documented in the README.
The same commands and variables run outside Docker in the cross-service tests.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import yaml

from opsuite_common.secretfiles import FILE_SUFFIX
from opsuite_common.settings import AuthSettings, ClientSettings

from .service_table import SERVICES

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
README = (ROOT / "README.md").read_text()


def _settings_class(module: str) -> type:
    pkg = module.split(".")[0]
    return importlib.import_module(f"{pkg}.config").Settings  # type: ignore[no-any-return]


def _known_vars(prefix: str, settings_cls: type) -> set[str]:
    names = {f"{prefix}{f.upper()}" for f in settings_cls.model_fields}
    names |= {f"OPSUITE_AUTH_{f.upper()}" for f in AuthSettings.model_fields}
    names |= {f"OPSUITE_CLIENT_{f.upper()}" for f in ClientSettings.model_fields}
    return names


def _documented(var: str) -> bool:
    if var in README:
        return True
    # The README's common table writes service variables as <P>NAME.
    return re.sub(r"^OPSUITE_(API_MANAGER|CEP|OPS)_", "<P>", var) in README


def test_every_service_is_in_compose_with_health_checks_and_grace():
    services = COMPOSE["services"]
    assert {"postgres", *SERVICES} <= set(services)
    for name, proc in SERVICES.items():
        svc = services[name]
        assert svc["command"][-1] == proc.module
        assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert "opsuite_common.probe" in " ".join(svc["healthcheck"]["test"])
        grace = int(str(svc.get("stop_grace_period", "0s")).rstrip("s"))
        assert grace > 10, "stop_grace_period must exceed the services' GRACE_S (10 s)"


def test_every_command_module_and_environment_variable_exists_and_is_documented():
    for name, proc in SERVICES.items():
        svc = COMPOSE["services"][name]
        module = svc["command"][-1]
        assert importlib.util.find_spec(module) is not None, module
        known = _known_vars(proc.prefix, _settings_class(module))
        for var in svc["environment"]:
            setting = var.removesuffix(FILE_SUFFIX)
            assert setting in known, f"{name}: {var} is not a setting of the service"
            assert _documented(setting), f"{name}: {setting} is not in the README's configuration tables"


def test_secrets_are_files_never_environment_values(tmp_path):
    declared = COMPOSE["secrets"]
    for name, svc in COMPOSE["services"].items():
        env = svc.get("environment", {})
        mounted = set(svc.get("secrets", []))
        for var, value in env.items():
            assert "${" not in str(value), f"{name}: {var} takes a value from the environment"
            if var.endswith(FILE_SUFFIX):
                secret = str(value).removeprefix("/run/secrets/")
                assert secret in mounted and secret in declared, f"{name}: {var} names an unmounted secret"
            else:
                assert not any(w in var for w in ("SECRET", "PASSWORD", "DATABASE_URL")), f"{name}: {var} inline"
    # The generator writes exactly the secrets compose declares, readable by the image's user only via the folder.
    compose_secrets = importlib.import_module("tools.compose_secrets")
    written = compose_secrets.write(tmp_path / ".secrets")
    assert sorted(written) == sorted(declared)
    assert all(d["file"].startswith("./.secrets/") for d in declared.values())
    assert (tmp_path / ".secrets").stat().st_mode & 0o777 == 0o700
    url = (tmp_path / ".secrets" / "database_url").read_text().strip()
    assert (tmp_path / ".secrets" / "postgres_password").read_text().strip() in url
    assert compose_secrets.write(tmp_path / ".secrets") == []  # kept unless --force


def test_api_manager_and_ops_run_as_two_replicas_on_one_database_and_redis():
    services = COMPOSE["services"]
    for name in ("api_manager", "ops"):
        first, second = services[name], services[f"{name}_2"]
        own_id = f"{SERVICES[name].prefix}INSTANCE_ID"
        assert second["command"] == first["command"]
        assert second["depends_on"] == first["depends_on"] and "redis" in first["depends_on"]
        assert second["healthcheck"] == first["healthcheck"]
        # The service's name resolves to both replicas, so the other services' clients reach both.
        assert name in second["networks"]["default"]["aliases"]
        # The same settings (database, Redis for shared limits), each with a stable id of its own.
        assert first["environment"][own_id] != second["environment"][own_id]
        rest = {k: v for k, v in first["environment"].items() if k != own_id}
        assert {k: v for k, v in second["environment"].items() if k != own_id} == rest
        assert rest[f"{SERVICES[name].prefix}RATE_LIMIT_REDIS_URL"].startswith("redis://redis:")
