"""Use cases between the servicers and storage/domain: data sources, APIs, execution."""

from .apis import ApiFilter, ApiRef, ApiService, definition_of
from .datasources import DataSourceInput, DataSourceRef, DataSourceService
from .definitions import KINDS, ApiDefinition, Limits, Policy, ValidationReport
from .execution import Executor, Runtime, Target
from .executions import ExecutionFilter, ExecutionService
from .outcomes import Caller, ExecutionStatus, Outcome, Reference, SqlPart, StreamEvent
from .recording import abort_orphans
from .result_size import ResultLimit, max_result_bytes

__all__ = [
    "KINDS",
    "ApiDefinition",
    "ApiFilter",
    "ApiRef",
    "ApiService",
    "Caller",
    "DataSourceInput",
    "DataSourceRef",
    "DataSourceService",
    "ExecutionFilter",
    "ExecutionService",
    "ExecutionStatus",
    "Executor",
    "Limits",
    "Outcome",
    "Policy",
    "Reference",
    "ResultLimit",
    "Runtime",
    "SqlPart",
    "StreamEvent",
    "Target",
    "ValidationReport",
    "abort_orphans",
    "definition_of",
    "max_result_bytes",
]
