"""The script engine: ``main(params, input, ctx)`` run in a sandboxed process forked from a fork server."""

from .checks import SOURCE_FIELD, compile_check
from .logs import escape_controls, log_records, script_logs_dropped_of, split_log_records
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
    "escape_controls",
    "log_records",
    "script_logs_dropped_of",
    "script_logs_of",
    "split_log_records",
]
