"""The committed stubs match what the pinned generator produces from protos/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generated_stubs_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_protos.py"), "--check"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_rpc_declares_a_role():
    """Fail closed is the runtime guarantee; this catches a forgotten @requires before it ships."""
    from opsuite_api_manager import server as am
    from opsuite_cep import server as cep
    from opsuite_common.auth import required_role
    from opsuite_ops import server as ops

    for module in (am, cep, ops):
        servicer_cls = module.Servicer
        for method in module.SERVICE.methods:
            handler = getattr(servicer_cls, method.name)
            assert required_role(handler) is not None, f"{module.SERVICE.full_name}/{method.name} has no @requires"
