"""Domain objects of stored rows (rules, silences)."""

from __future__ import annotations

import json
from typing import Any

from opsuite_cep.db.alerts import epoch
from opsuite_cep.db.models import RuleRow
from opsuite_cep.domain import Rule, Silence, parse_rule, parse_silence

__all__ = ["rule_from_row", "silence_from_row"]


def rule_from_row(row: RuleRow) -> Rule:
    """The domain rule of a stored row (the row's enabled flag wins over the definition's)."""
    return parse_rule({**json.loads(row.definition), "enabled": row.enabled}, stored=True)


def silence_from_row(row: Any) -> Silence:
    """The domain silence of a stored row."""
    return parse_silence(
        {
            "id": row.id,
            "matchers": json.loads(row.matchers),
            "starts_at": epoch(row.starts_at),
            "ends_at": epoch(row.ends_at),
            "comment": row.comment,
        }
    )
