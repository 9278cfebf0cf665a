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
            assert var in known, f"{name}: {var} is not a setting of the service"
            assert _documented(var), f"{name}: {var} is not in the README's configuration tables"
