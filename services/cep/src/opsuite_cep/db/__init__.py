"""Storage of cep: models, Alembic migrations and repositories (bound to a session and the caller's tenant)."""

from pathlib import Path

from .alerts import AlertChange, AlertRepository
from .eventlog import EventLogRepository, LogCursorRepository
from .models import (
    AlertChangeRow,
    AlertRow,
    ChannelRow,
    CheckpointRow,
    DeliveryRow,
    EventLogRow,
    LogCursorRow,
    NotificationRow,
    RuleRow,
    ScheduleStateRow,
    SilenceRow,
    metadata,
)
from .repositories import (
    ChannelRepository,
    CheckpointRepository,
    DeliveryRepository,
    NotificationQueue,
    RuleRepository,
    ScheduleIndex,
    SilenceRepository,
)
from .schedule import ScheduleStateRepository

#: The Alembic script location (env.py + versions/).
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: The service's own Alembic version table.
VERSION_TABLE = "alembic_version_cep"

__all__ = [
    "MIGRATIONS_DIR",
    "VERSION_TABLE",
    "AlertChange",
    "AlertChangeRow",
    "AlertRepository",
    "AlertRow",
    "ChannelRepository",
    "ChannelRow",
    "CheckpointRepository",
    "CheckpointRow",
    "DeliveryRepository",
    "DeliveryRow",
    "EventLogRepository",
    "EventLogRow",
    "LogCursorRepository",
    "LogCursorRow",
    "NotificationQueue",
    "NotificationRow",
    "RuleRepository",
    "RuleRow",
    "ScheduleIndex",
    "ScheduleStateRepository",
    "ScheduleStateRow",
    "SilenceRepository",
    "SilenceRow",
    "metadata",
]
