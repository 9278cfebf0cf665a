"""A small collector that gathers every field violation before raising one ValidationError."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from opsuite_common.errors import FieldViolation, ValidationError

__all__ = ["Violations", "channel_names", "join_path"]


def join_path(prefix: str, name: str | int) -> str:
    """Join a dotted field path: ``join_path("spec.steps", 0)`` is ``spec.steps[0]``."""
    if isinstance(name, int):
        return f"{prefix}[{name}]"
    return f"{prefix}.{name}" if prefix else name


class Violations:
    """Accumulates ``FieldViolation``s so a user sees all problems of a rule at once."""

    def __init__(self) -> None:
        self.items: list[FieldViolation] = []

    def add(self, field: str, description: str) -> None:
        """Record one problem with one field."""
        self.items.append(FieldViolation(field, description))

    def __bool__(self) -> bool:
        return bool(self.items)

    def check_keys(self, data: Mapping[str, Any], allowed: Collection[str], prefix: str) -> None:
        """Report every key of ``data`` that is not in ``allowed`` (typos must not be silently ignored)."""
        expected = ", ".join(sorted(allowed))
        for key in data:
            if key not in allowed:
                self.add(join_path(prefix, str(key)), f"unknown field '{key}'; expected one of: {expected}")

    def raise_if_any(self, what: str) -> None:
        """Raise one ValidationError listing every recorded violation, if there is any."""
        if self.items:
            count = len(self.items)
            first = self.items[0]
            more = f" (and {count - 1} more)" if count > 1 else ""
            raise ValidationError(
                f"invalid {what}: {first.field}: {first.description}{more}", field_violations=self.items
            )


def channel_names(value: object, known: Collection[str] | None, v: Violations) -> tuple[str, ...]:
    """A rule's ``channels``: a list of names, each one of ``known`` when given (else a violation naming them)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
        v.add("channels", "expected a list of channel names")
        return ()
    if known is not None:
        for i, name in enumerate(value):
            if name not in known:
                hint = ", ".join(sorted(known)) or "none exist yet; create one first"
                v.add(join_path("channels", i), f"unknown channel '{name}'; known channels: {hint}")
    return tuple(value)
