"""The records of cep's event log (docs/architecture/cep.md, The event log): what moved a tenant's engine,
in order, with the clock reading it was evaluated at. Pure data; the logs are in ``app/eventlog.py`` and
``adapters/natslog.py``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from opsuite_cep.domain.events import Event

__all__ = ["LogRecord", "RecordKind"]

#: ``events``: a batch as acknowledged; ``tick``: a clock reading that moved a quiet tenant's time.
RecordKind = Literal["events", "tick"]


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One record: its position, kind, the wall-clock time it was evaluated at, and its events."""

    position: int
    kind: RecordKind
    now: float
    events: tuple[Event, ...] = ()
