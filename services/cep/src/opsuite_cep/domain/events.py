"""The event envelope the engine consumes, and attribute path lookup.

Times are event times in **seconds since the Unix epoch (UTC)** as floats; the servicer converts a
``Timestamp`` with ``ts.seconds + ts.nanos / 1e9``.

Paths: ``id``, ``type``, ``source``, ``key`` and ``time`` address the envelope; any other dotted path
addresses ``attributes`` (``"http.status"`` is ``attributes["http"]["status"]``). Prefix a path with
``attributes.`` to reach an attribute whose name collides with an envelope field (``attributes.type``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["ENVELOPE_FIELDS", "MISSING", "Event", "PathGetter", "compile_path", "label_name"]

ENVELOPE_FIELDS: Final = frozenset({"id", "type", "source", "key", "time"})


class _Missing:
    """Sentinel type for an attribute that is not present (distinct from JSON null)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()


@dataclass(frozen=True, slots=True)
class Event:
    """One event: envelope fields plus JSON-like ``attributes`` (from a protobuf ``Struct``)."""

    id: str
    type: str
    time: float
    source: str = ""
    key: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (used by checkpoints)."""
        return {
            "id": self.id,
            "type": self.type,
            "time": self.time,
            "source": self.source,
            "key": self.key,
            "attributes": dict(self.attributes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        """Inverse of :meth:`to_dict`."""
        return cls(
            id=str(data["id"]),
            type=str(data["type"]),
            time=float(data["time"]),
            source=str(data.get("source", "")),
            key=str(data.get("key", "")),
            attributes=dict(data.get("attributes") or {}),
        )


PathGetter = Callable[[Event], Any]


def compile_path(path: str) -> PathGetter:
    """Compile a dotted path into a getter returning the value or ``MISSING``."""
    parts = path.split(".")
    if len(parts) == 1 and parts[0] in ENVELOPE_FIELDS:
        name = parts[0]
        return lambda event: getattr(event, name)
    if parts[0] == "attributes" and len(parts) > 1:
        parts = parts[1:]
    if len(parts) == 1:
        only = parts[0]
        return lambda event: event.attributes.get(only, MISSING)

    def get_nested(event: Event) -> Any:
        value: Any = event.attributes
        for part in parts:
            if not isinstance(value, Mapping):
                return MISSING
            value = value.get(part, MISSING)
            if value is MISSING:
                return MISSING
        return value

    return get_nested


def label_name(path: str) -> str:
    """The alert label name for a group-by path (``attributes.host`` -> ``host``)."""
    return path.removeprefix("attributes.")
