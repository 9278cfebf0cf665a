"""Names a run's calls took that matched nothing anywhere: "0 rows" for a name that may not exist is no answer.

For the kinds of name no inventory vouched for (the planner already refused the unknown ones of the kinds it
lists), :func:`unmatched_names` reports each name every successful call with it returned no data for, and that
no output of the run mentions (ENTITY_UNKNOWN).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from opsuite_ops.domain.bm25 import tokenise
from opsuite_ops.domain.entities import TEXT_PARAMS, TICKET_ID, Inventory, column_concept, is_empty, mentions, name_key
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, CallRecord, Tool
from opsuite_ops.domain.timerange import duration_value, time_bound

__all__ = ["unmatched_names"]

_KIND_WORDS = {"id": "record"}


def _names_a_thing(tool: Tool, param: str, value: Any, vouched: Inventory) -> bool:
    """A plain string parameter (no enum, format, or free text), required or a filter the question set,
    holding a word no inventory vouches for: the name of a thing, which may not exist when nothing comes back
    for it ("job" = "rollup" where the job is "nightly_rollup")."""
    schema = tool.properties.get(param, {})
    if schema.get("type", "string") != "string" or value == schema.get("default"):
        return False
    if schema.get("enum") or schema.get("format") or tool.tags & {"document", "search"}:
        return False
    words = {*tokenise(param, keep_stop_words=True), *tokenise(str(schema.get("description", "")))}
    if param.lower() in TEXT_PARAMS or words & {"text", "phrase", "query", "search", "pattern", "keyword"}:
        return False
    if duration_value(param, schema, 60.0) is not None or time_bound(param, schema) is not None:
        return False  # a window ("window" = "1d") or a bound in time: no name of a thing
    return isinstance(value, str) and vouched.lookup(value) is None and vouched.value(value) is None


def unmatched_names(
    records: Sequence[CallRecord], tools: Mapping[str, Tool], vouched: Inventory | None = None
) -> list[AnswerStatusReason]:
    """ENTITY_UNKNOWN for each host/service argument that matched nothing anywhere.

    For the kinds of name no inventory vouched for (``vouched`` lists the estate's names; the planner
    already refused the unknown ones): a name every successful call with it returned no data for, and that
    no output of the run mentions, may not exist; "0 rows" is then not a complete answer.
    """
    vouched = vouched or Inventory()
    used: dict[str, tuple[str, str, list[CallRecord]]] = {}
    for rec in records:
        tool = tools.get(rec.tool)
        for param, value in rec.arguments.items():
            concept = column_concept(param) if tool is None or param in tool.properties else None
            if concept is None and isinstance(value, str) and TICKET_ID.match(value):
                concept = "id"  # a record id (INC-9999): no inventory vouches for those
            elif concept is None and tool is not None and _names_a_thing(tool, param, value, vouched):
                concept = param  # "team" = "dba": a name of a kind no inventory lists
            if concept and vouched.knows(concept):
                continue
            if concept and isinstance(value, str) and value and not value.startswith("$steps."):
                used.setdefault(name_key(value), (value, concept, []))[2].append(rec)
    out: list[AnswerStatusReason] = []
    ok = [r for r in records if r.ok]
    for key, (name, concept, recs) in used.items():
        succeeded = [r for r in recs if r.ok]
        if not succeeded or not all(is_empty(r.output) for r in succeeded):
            continue
        if any(mentions(r.output, key) for r in ok):
            continue
        tools_used = ", ".join(dict.fromkeys(r.tool for r in succeeded))
        out.append(
            AnswerStatusReason(
                AnswerReason.ENTITY_UNKNOWN,
                f"no data names the {_KIND_WORDS.get(concept, concept)} {name}: {tools_used} returned nothing "
                "for it, so it may not exist",
                succeeded[0].tool,
                succeeded[0].step_id,
            )
        )
    return out
