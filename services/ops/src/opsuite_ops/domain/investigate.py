"""Investigations: "what changed before the spike", "why is X slow", an alert's "investigate alert R on k=v".

Such a question asks for a cause, so its answer needs a timeline (:mod:`timeline`): a series in which the
trouble starts (an onset) and the changes before it. Ranking the question's words finds the tools for what
it names ("error rate"), not necessarily a series or a change history; :func:`investigation_tools` adds,
from the catalogue's own schemas and tags (no tool names):

* **series tools** of the subject: tagged ``metric`` and taking a time window (a ``since``-like parameter,
  a ``date-time``, a timestamp :func:`~opsuite_ops.domain.timerange.time_bound` reads as a window's bound such
  as ``since_epoch``, or a duration such as ``window_minutes``), so their output is a series over time;
* **change tools**: tagged ``history``, or ``config`` with "change" in their name or description, and
  taking a time window (or a ``history`` tool needing no argument: it lists its recent history). Their
  optional name filters are left empty (``broad``): a cause is often a change to something the subject
  depends on (the database behind an application), and the timeline names the last change before the
  onset whatever it touched.

:func:`documents_only`: a question asking why, answered by documents alone (a playbook a search found), is told
what can cause such trouble, not what caused it here: NOT_COVERED, unless it asks how to fix or do something.

:func:`is_investigation` reads the question's form only (English words of asking for a cause), never any
estate's vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from opsuite_ops.domain.bm25 import tokenise
from opsuite_ops.domain.coverage import asks_how_to
from opsuite_ops.domain.entities import Inventory, is_empty
from opsuite_ops.domain.extract import Entities, canonical_param
from opsuite_ops.domain.listed_codes import codes_named
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, CallRecord, Tool
from opsuite_ops.domain.timeline import asks_for_cause, asks_for_remedy
from opsuite_ops.domain.timerange import time_bound

__all__ = ["CHANGES", "SERIES", "Role", "documents_only", "investigation_tools", "is_investigation", "role"]

_DURATION_WORDS = ("second", "minute", "hour", "day")
_DURATION_NAMES = frozenset({"window", "duration", "lookback", "period", "range", "interval"})

#: What a tool adds to an investigation.
Role = str
SERIES: Role = "series"
CHANGES: Role = "changes"


def is_investigation(
    question: str, entities: Entities, tools: Sequence[Tool] = (), inventory: Inventory | None = None
) -> bool:
    """A question asking for the cause of something that happened to a named host, service or value of the
    estate's own kinds, to a record the question names by id ("what caused INC-12": the incident alone does not
    say what caused it), or to a code a parameter's description lists ("APAC"). A word the question reads as a
    tool word names a thing too when it is both a value some tool's parameter offers (an enum) and a value the
    estate's listings hold ("corp logins had timeouts": ``corp`` is a realm the login series take and the
    registry lists)."""
    if not asks_for_cause(question):
        return False  # (first: the checks below read every tool's schema)
    return bool(
        entities.hosts
        or entities.services
        or entities.ids
        or entities.values
        or _names_listed(entities, tools, inventory)
        or _codes_offered(question, tools)
    )


def _codes_offered(question: str, tools: Sequence[Tool]) -> bool:
    """Whether the question writes a code a parameter's description lists ("queues so long in APAC": a region "name
    or group (NA, EU, APAC, SA)"), a thing of the estate's as much as a listed value (:mod:`listed_codes`)."""
    return any(
        codes_named(str(schema.get("description", "")), question)
        for tool in tools
        for schema in tool.properties.values()
        if isinstance(schema, Mapping) and schema.get("description") and not schema.get("enum")
    )


def _names_listed(entities: Entities, tools: Sequence[Tool], inventory: Inventory | None) -> bool:
    if inventory is None or not tools:
        return False
    offered = {
        str(v).lower()
        for tool in tools
        for schema in tool.properties.values()
        for v in (schema.get("enum") or ())
        if isinstance(v, str) and v
    }
    return any(t in offered and inventory.value(t) is not None for t in entities.terms)


def _windowed(tool: Tool) -> bool:
    for name, schema in tool.properties.items():
        low = name.lower()
        if canonical_param(name) == "since" or schema.get("format") in ("date-time", "date"):
            return True
        if time_bound(name, schema) is not None:  # "since_epoch" (unix seconds), "from_ts"
            return True
        if low in _DURATION_NAMES or any(w in low for w in _DURATION_WORDS):
            return True
    return False


def role(tool: Tool) -> Role | None:
    """Whether ``tool`` gives an investigation a series, a change history, or nothing. A history that takes no
    window but needs no argument either lists its whole (recent) history: a change history too. A ``metric`` tool
    tagged ``history`` too is a series unless its words are of changes (:data:`_CHANGE_WORDS`)."""
    history = "history" in tool.tags
    if not _windowed(tool):
        return CHANGES if history and not tool.required and tool.properties else None
    words = {*tokenise(tool.name), *tokenise(tool.description)}
    if "metric" in tool.tags and history and not words & _CHANGE_WORDS:
        return SERIES  # daily KPIs "kept 14 days" tagged history too: measures over time, no change in them
    if history or ("config" in tool.tags and "chang" in words):
        return CHANGES
    if "metric" in tool.tags:
        return SERIES
    return None


#: Stems of a description of changes ("rollouts", "deployments", "config changes").
_CHANGE_WORDS = frozenset({"chang", "deploy", "releas", "rollout", "upgrad", "updat", "config", "configur", "patch",
                           "modif", "modifi", "edit", "migrat", "install", "replac", "replacement", "maintenanc",
                           "intervention"})  # fmt: skip


def investigation_tools(ranked: Sequence[tuple[Tool, float]]) -> list[tuple[Tool, float, Role]]:
    """The series and change tools among ``ranked`` (best first), with their role; the best series first
    whatever its rank (an onset is what the changes are placed against), so when the budget leaves room for
    a few, a question matching every tool alike ("orders db is crawling") still gets a series."""
    out = []
    for tool, score in ranked:
        r = role(tool)
        if r is not None:
            out.append((tool, score, r))
    first = next((k for k, (_t, _s, r) in enumerate(out) if r == SERIES), 0)
    return [out[first], *out[:first], *out[first + 1 :]] if out else out


#: Words asking for documents themselves ("which runbook covers ...").
_DOCUMENT_WORDS = re.compile(
    r"\b(?:runbooks?|playbooks?|docs?|documents?|documentation|wiki|guides?|articles?|procedures?|kb|sops?)\b",
    re.IGNORECASE,
)


def documents_only(question: str, records: Sequence[CallRecord], tools: Mapping[str, Tool]) -> list[AnswerStatusReason]:
    """NOT_COVERED when ``question`` asks for a cause (not how to do or fix something) and every call that returned
    data is a document search: the documents say what can cause it, no data says what did."""
    if not asks_for_cause(question) or asks_for_remedy(question) or asks_how_to(question):
        return []
    if _DOCUMENT_WORDS.search(question):
        return []  # "which runbook covers an error spike": the documents are what it asks for
    found = [r for r in records if r.ok and not is_empty(r.output)]
    if not found or not all("document" in getattr(tools.get(r.tool), "tags", ()) for r in found):
        return []
    names = ", ".join(dict.fromkeys(r.tool for r in found))
    return [
        AnswerStatusReason(
            AnswerReason.NOT_COVERED,
            f"only documents answer it ({names}): they say what can cause such trouble, no data shows what caused it",
        )
    ]
