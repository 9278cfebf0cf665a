"""Scripts, the pure part: save-time checks, the policy and result values, log lines made safe.

The runner (fork server, sandbox layers) is I/O and lives in ``opsuite_api_manager.adapters.script``.
"""

from .checks import SOURCE_FIELD, compile_check
from .logs import escape_controls, log_records, script_logs_dropped_of, script_logs_of, split_log_records
from .models import ALL_LAYERS, LogLine, ScriptHost, ScriptPolicy, ScriptResult

__all__ = [
    "ALL_LAYERS",
    "SOURCE_FIELD",
    "LogLine",
    "ScriptHost",
    "ScriptPolicy",
    "ScriptResult",
    "compile_check",
    "escape_controls",
    "log_records",
    "script_logs_dropped_of",
    "script_logs_of",
    "split_log_records",
]
