"""The workflow engine: a spec of steps calling other APIs, validated at save time and run as a DAG."""

from .engine import (
    TRANSIENT_ERRORS,
    CallApi,
    StepError,
    StepLog,
    StepStatus,
    WorkflowEngine,
    WorkflowResult,
    WorkflowStatus,
)
from .mapping import Condition, Expr, ListMapping, Literal, MappingNode, ObjectMapping, Template, is_truthy
from .spec import (
    MAX_RETRY_ATTEMPTS,
    OnError,
    OnErrorMode,
    RetryPolicy,
    StepSpec,
    WorkflowSpec,
    parse_workflow,
    validate_workflow,
)

__all__ = [
    "MAX_RETRY_ATTEMPTS",
    "TRANSIENT_ERRORS",
    "CallApi",
    "Condition",
    "Expr",
    "ListMapping",
    "Literal",
    "MappingNode",
    "ObjectMapping",
    "OnError",
    "OnErrorMode",
    "RetryPolicy",
    "StepError",
    "StepLog",
    "StepSpec",
    "StepStatus",
    "Template",
    "WorkflowEngine",
    "WorkflowResult",
    "WorkflowSpec",
    "WorkflowStatus",
    "is_truthy",
    "parse_workflow",
    "validate_workflow",
]
