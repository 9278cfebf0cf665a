"""One runner per API kind behind the ``KindRunner`` protocol; the executor dispatches to them by kind."""

from .base import CallNested, KindRunner
from .http import HttpRunner
from .script import ScriptApiRunner
from .sql import SqlRunner, StreamTally
from .workflow import WorkflowRunner

__all__ = ["CallNested", "HttpRunner", "KindRunner", "ScriptApiRunner", "SqlRunner", "StreamTally", "WorkflowRunner"]
