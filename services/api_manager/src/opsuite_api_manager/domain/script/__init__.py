"""The script engine: ``main(params, input, ctx)`` run in a sandboxed process forked from a fork server."""

from .checks import SOURCE_FIELD, compile_check
from .models import ALL_LAYERS, LogLine, ScriptHost, ScriptPolicy, ScriptResult
from .runner import ScriptRunner, script_logs_of

__all__ = [
    "ALL_LAYERS",
    "SOURCE_FIELD",
    "LogLine",
    "ScriptHost",
    "ScriptPolicy",
    "ScriptResult",
    "ScriptRunner",
    "compile_check",
    "script_logs_of",
]
