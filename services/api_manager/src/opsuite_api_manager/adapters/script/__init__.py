"""The script runner: ``main(params, input, ctx)`` run in a sandboxed process forked from a fork server.

``runner`` drives the fork server (``_forkserver.py``), which loads the sandbox layers (``_sandbox.py``) and
the child's entry point (``_childrun.py``) by file path: those three are standard library only. The pure
parts (checks, policy, log lines) are in ``opsuite_api_manager.domain.script``.
"""

from .runner import ScriptRunner

__all__ = ["ScriptRunner"]
