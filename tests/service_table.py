"""The repository's services as processes: the one table the process tests, ``./dev up`` (tools/devstack.py)
and the soak benchmark (bench/soak.py) start stacks from.

The common library runs whatever table it is given (``opsuite_common.testing.processes``); only this module
names the services, their modules and ports, and how they find each other.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from opsuite_common.testing.processes import ServiceProcess, ServiceTable

__all__ = ["SERVICES"]


def _wiring(run_dir: Path, ports: Mapping[str, int], env: Mapping[str, str]) -> dict[str, str]:
    """ops and cep call api_manager, cep calls ops; api_manager's data sources are SQLite files under
    ``run_dir/data_sources/<tenant>`` and never the other services' stores."""
    others = [env[f"{SERVICES[name].prefix}DATABASE_URL"] for name in SERVICES if name != "api_manager"]
    return {
        "OPSUITE_API_MANAGER_SQLITE_ROOTS": json.dumps([str(run_dir / "data_sources" / "{tenant}")]),
        "OPSUITE_API_MANAGER_PROTECTED_DATABASE_URLS": json.dumps(others),
        "OPSUITE_OPS_API_MANAGER_TARGET": f"127.0.0.1:{ports['api_manager']}",
        "OPSUITE_CEP_API_MANAGER_TARGET": f"127.0.0.1:{ports['api_manager']}",
        "OPSUITE_CEP_OPS_TARGET": f"127.0.0.1:{ports['ops']}",
    }


#: api_manager, cep and ops, in start order, with their default ports (50051-50053) and wiring.
SERVICES = ServiceTable(
    (
        ServiceProcess("api_manager", "opsuite_api_manager.main", "OPSUITE_API_MANAGER_",
                       "opsuite.apimanager.v1.ApiManagerService", 50051),
        ServiceProcess("cep", "opsuite_cep.main", "OPSUITE_CEP_", "opsuite.cep.v1.CepService", 50052),
        ServiceProcess("ops", "opsuite_ops.main", "OPSUITE_OPS_", "opsuite.ops.v1.OpsService", 50053),
    ),
    wiring=_wiring,
)  # fmt: skip
