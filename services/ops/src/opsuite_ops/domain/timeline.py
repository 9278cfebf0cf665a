"""Causal timelines: the changes a run found and the onsets of its series, in order, with the last change
before each onset.

A table is a *change table* when it has a time column (see :func:`~opsuite_ops.domain.series_format.time_column`;
an empty table is judged by its ``columns``, by name) and its column names say what changed: a strong word
(``version``, ``change``/``changed``, ``deploy``/``deployed``/``deployment``, ``release``, ``commit``,
``rollout``, ``old``/``new``), or a weak one (``kind``, ``type``, ``event``, ``action``, ``key``,
``description``) when no other column holds numbers (a ``type`` next to a ``value`` is a metric label).
Nothing depends on a tool's name: each row becomes a :class:`ChangeEvent` labelled from its own fields
(what kind, of what, which version or key, old -> new, the description, by whom).

:func:`build_timeline` puts the changes and the series onsets on one timeline and, for each onset time,
names the last change at or before it with the time between them; a change after the point before the
onset and at or before the onset's own point is "within one sampling interval" of it. When the run has
onsets and change tables but no change before an onset, it says nothing changed before it; when it has
changes but no onset (a single current value has none), it says the changes cannot be placed against one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opsuite_ops.domain.bm25 import tokenise
from opsuite_ops.domain.series import ChangePoint
from opsuite_ops.domain.series_format import fmt_duration, fmt_num, fmt_time, parse_time, time_column

__all__ = [
    "MAX_TIMELINE_CHANGES",
    "ChangeEvent",
    "Onset",
    "Timeline",
    "asks_for_cause",
    "asks_for_onset",
    "asks_for_remedy",
    "build_timeline",
    "change_events",
    "is_change_table",
    "is_trouble_word",
    "lists_changes",
    "names_changes",
]

#: Changes listed on a timeline (the most recent ones; the rest are counted).
MAX_TIMELINE_CHANGES = 15

_STRONG = frozenset({"version", "change", "changes", "changed", "deploy", "deployed", "deployment", "deploys",
                     "release", "released", "commit", "rollout", "old", "new", "previous"})  # fmt: skip
_WEAK = frozenset({"kind", "type", "event", "action", "key", "description", "operation"})
_SUBJECT = ("service", "target", "host", "app", "application", "component", "resource", "system", "name")
_TEXT = ("change", "changes", "description", "summary", "message", "title", "details", "reason", "comment", "notes")
_BY = ("by", "author", "user", "actor", "owner")
_CAUSAL = re.compile(r"\b(before|after|since|caus\w*|why|led|lead|trigger\w*|root|chang\w*|investigat\w*)\b", re.I)


#: A remedy asked for ("what do we need to do to fix it", "how do we fix this"): never a state ("mitigated").
_REMEDY = re.compile(
    r"\b(?:to\s+fix|fix(?:ing)?\s+(?:it|this|that|them)|how\s+(?:do|can|could|should|would)\s+(?:we|i|you)\s+fix|"
    r"remed(?:y|ies))\b",
    re.IGNORECASE,
)
_CAUSE = re.compile(
    r"\b(investigat\w*|why|root cause|caus(?:e|ed|es|ing)|what happened|what went wrong)\b", re.IGNORECASE
)
_WHEN = re.compile(r"\b(before|after|led to|leading to|since when)\b", re.IGNORECASE)
_TROUBLE = re.compile(
    r"\b(spik\w*|blips?|onset|jump\w*|surg\w*|ris(?:e|es|ing)|increas\w*|drop\w*|alert\w*|incident\w*|outage\w*|"
    r"degrad\w*|slow\w*|errors?|fail\w*|timeouts?|doubl\w*|tripl\w*|halv\w*|[45]xxs?|[45]\d\ds|declin\w*|"
    r"deteriorat\w*|worsen\w*|fell|falling|(?:went|gone|going|goes)\s+down)\b"
    # "500 errors", "HTTP 503": a status code by an HTTP word, not a quantity ("500 GB", "400 at noon")
    r"|\b[45]\d\d\s+(?:errors?|responses?|status(?:es)?|codes?)\b|\b(?:http|status|code|returning|returned)\s+[45]\d\d\b",
    re.IGNORECASE,
)
#: "had a blip earlier, what was it": what the trouble named was (its cause), not a value.
_WHAT_WAS_IT = re.compile(r"\bwhat\s+(?:was|were|is)\s+(?:it|that|this|they)\b", re.IGNORECASE)
#: "when did X start", "when did it begin": the onset itself is asked for.
_WHEN_STARTED = re.compile(
    r"\b(?:when|what\s+time)\s+(?:did|does|do|has|have)\b[^?.;]*\b(?:start\w*|began|begin\w*|kick\w*\s+off|"
    r"first\s+(?:jump|spik|"
    r"ris|climb|surg|drop|fall|fell|shot)\w*)",
    re.I,
)


def is_trouble_word(word: str) -> bool:
    """Whether ``word`` names a change in a series' level ("spike", "jumped", "rising", "drop")."""
    return bool(_TROUBLE_SHAPE.fullmatch(word))


_TROUBLE_SHAPE = re.compile(
    r"(spik\w*|blips?|onset|jump\w*|surg\w*|ris(?:e|es|ing)|rose|drop\w*|dip\w*|doubl\w*|tripl\w*|halv\w*|"
    r"grow\w*|grew|shrink\w*|shrank|tanked|tanking|plummet\w*|plung\w*|nosediv\w*|collaps\w*)",
    re.IGNORECASE,
)


def asks_for_remedy(question: str) -> bool:
    """Whether a question asks how to fix some trouble ("what do we need to do to fix it"): its cause is a
    start, but only a runbook or document search says how to fix it. English question form only."""
    return bool(_REMEDY.search(question))


def asks_for_onset(question: str) -> bool:
    """Whether a question asks when some trouble started ("since when has it been failing", "when did it begin")."""
    return bool(_WHEN_STARTED.search(question))


def asks_for_cause(question: str) -> bool:
    """Whether a question asks what caused some trouble ("why", "investigate", "what changed before the
    spike", or how to fix it: the cause first): its answer then needs an onset and the changes before it.
    English question form only."""
    return bool(
        _CAUSE.search(question)
        or _REMEDY.search(question)
        or (_WHEN.search(question) and (_TROUBLE.search(question) or _WHEN_STARTED.search(question)))
        or (_WHAT_WAS_IT.search(question) and _TROUBLE.search(question))
    )


#: Words (stems) of a tool's name or description saying that it lists changes: deploys, releases, rollouts,
#: config edits, merges, migrations, upgrades, activations, audits.
_CHANGE_TOOL_WORDS = frozenset({"chang", "deploy", "releas", "rollout", "revision", "commit", "merg", "edit",
                                "migr", "upgrad", "activ", "audit"})  # fmt: skip
#: "active" (an alarm, a session) is a state, not an activation: stems alike ("activ"), so left out first.
_ACTIVE = re.compile(r"\b(?:in)?active\b", re.IGNORECASE)


def _own_words(name: str, description: str) -> set[str]:
    return {*tokenise(name), *tokenise(_ACTIVE.sub(" ", description))}


def lists_changes(name: str, description: str, tags: frozenset[str]) -> bool:
    """Whether a tool is a change history by its own words: tagged ``history``, or its name or description
    speaks of changes, deployments, releases, config edits... A status snapshot (a runner's agent version
    and last contact) or a log of failed tests is no change, whatever its columns."""
    return "history" in tags or bool(_own_words(name, description) & _CHANGE_TOOL_WORDS)


def _tokens(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [t for t in re.split(r"[^a-zA-Z0-9]+", spaced.lower()) if t]


def _is_time_name(name: str) -> bool:
    low = name.lower()
    return low in {"t", "time", "ts", "timestamp", "at", "date", "datetime", "when"} or low.endswith(
        ("_at", "_time", "_ts", "_timestamp", "_date")
    )


def _numeric(rows: Sequence[Mapping[str, Any]], col: str) -> bool:
    values = [r.get(col) for r in rows if r.get(col) is not None]
    return bool(values) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def names_changes(name: str, description: str, tags: frozenset[str]) -> bool:
    """Whether a tool's own words (name, description, tags; not the bare ``history`` tag) say it lists changes
    ("schema migrations", "parameter changes", a ``change`` tag): its records are changes whatever else they
    measure (a migration's duration)."""
    words = {*_own_words(name, description), *(w for tag in tags for w in tokenise(tag))}
    return bool(words & _CHANGE_TOOL_WORDS)


def _records(columns: Sequence[str], rows: Sequence[Mapping[str, Any]], tcol: str) -> bool:
    """Rows that are records, one thing each: a column (besides the time) of distinct strings per row, ids
    (with a digit: ``MIG-2207``) or texts (with spaces); a single row is one record. An aggregate (a day and a
    count, a pool and its samples) is none."""
    if len(rows) == 1:
        return True
    for col in columns:
        values = [r.get(col) for r in rows]
        if col == tcol or not all(isinstance(v, str) and v for v in values) or len(set(values)) < len(values):
            continue
        if all(any(ch.isdigit() for ch in str(v)) or " " in str(v) for v in values):
            return True
    return False


def is_change_table(
    columns: Sequence[str], rows: Sequence[Mapping[str, Any]], *, change_tool: bool = False
) -> str | None:
    """The time column of a change table, or None when ``columns``/``rows`` do not look like one. With
    ``change_tool`` (the tool's own words say it lists changes, :func:`names_changes`), rows that are records
    (:func:`_records`) are changes even beside measures ("duration_s" of a migration)."""
    tcol = time_column(columns, rows) if rows else next((c for c in columns if _is_time_name(c)), None)
    if tcol is None:
        return None
    others = [c for c in columns if c != tcol]
    words = {t for c in [*others, tcol] for t in _tokens(c)}
    if words & _STRONG:
        return tcol
    if change_tool and rows and _records(columns, rows, tcol):
        return tcol
    measures = [c for c in others if rows and _numeric(rows, c) and not c.lower().endswith("id")]
    if measures or words & _STATE:
        return None
    if words & _WEAK or _records_events(others, rows):
        return tcol
    return None


#: Columns of a record's current state (a ticket's status, an alert's severity, a log line's level): such
#: a row is a thing that is, not a change that happened.
_STATE = frozenset({"status", "state", "priority", "severity", "level", "phase", "health"})
_RECORD_ID = re.compile(r"^[A-Z]{2,}[A-Z0-9]*(?:-\d+)+$")


def _records_events(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> bool:
    """A row shape of change records without any change word in the column names ("cr, system, summary,
    implementer, implemented_at"): besides its time, a column saying what was done (a summary, description,
    title...) and one saying to what or which record (a subject such as ``system``/``target``, or ids such
    as CR-2024-109)."""
    tokens = {c: set(_tokens(c)) for c in columns}
    has_text = any(t & set(_TEXT) for t in tokens.values())
    has_subject = any(t & set(_SUBJECT) for t in tokens.values())
    has_ids = any(
        rows and all(isinstance(r.get(c), str) and _RECORD_ID.match(str(r.get(c))) for r in rows) for c in columns
    )
    return has_text and (has_subject or has_ids)


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """One change (a row of a change table): when, a label saying what it was, and the call it came from."""

    at: datetime
    label: str
    call_id: str


def _field(row: Mapping[str, Any], columns: Sequence[str], names: Sequence[str], *, skip: str = "") -> str:
    """The first non-empty value of a column whose name (or one of its words) is one of ``names``."""
    for name in names:
        for col in columns:
            if col == skip or _is_time_name(col):
                continue
            if (col.lower() == name or name in _tokens(col)) and row.get(col) not in (None, ""):
                return str(row[col])
    return ""


def _kind(columns: Sequence[str], row: Mapping[str, Any]) -> str:
    explicit = _field(row, columns, ("kind", "type", "event", "action", "operation"))
    if explicit:
        return explicit
    words = {t for c in columns for t in _tokens(c)}
    if words & {"deploy", "deployed", "deployment", "deploys", "rollout"}:
        return "deploy"
    if words & {"release", "released", "version"}:
        return "release"
    if {"old", "new"} <= words or "key" in words:
        return "config change"
    return "change"


#: Columns naming what a change was made to, for its label (more specific first).
_LABEL_SUBJECT = (*_SUBJECT, "instance", "node", "database", "db", "cluster", "project", "repo", "repository")
#: Longest text of a free-text column a label quotes.
_LABEL_TEXT = 120


def _record_id(columns: Sequence[str], row: Mapping[str, Any]) -> str:
    """The row's own record id (``MIG-2207``), from an id column or by its shape; "" when it has none."""
    for col in columns:
        value = row.get(col)
        if isinstance(value, str) and _RECORD_ID.match(value):
            return value
    for col in columns:
        low = col.lower()
        if (low == "id" or low.endswith("_id")) and row.get(col) not in (None, ""):
            return str(row[col])
    return ""


def _free_text(columns: Sequence[str], row: Mapping[str, Any], used: set[str]) -> str:
    """The longest free text of the row (words with spaces, such as a DDL statement or a note) that no other
    part of the label states, cut to :data:`_LABEL_TEXT` characters."""
    texts = [str(row[c]) for c in columns if isinstance(row.get(c), str) and " " in str(row[c]).strip()
             and not _is_time_name(c) and str(row[c]) not in used]  # fmt: skip
    if not texts:
        return ""
    text = max(texts, key=len).strip()
    return text if len(text) <= _LABEL_TEXT else text[: _LABEL_TEXT - 1].rstrip() + "…"


def _label(columns: Sequence[str], row: Mapping[str, Any], tcol: str) -> str:
    kind = _kind(columns, row)
    subject = _field(row, columns, _LABEL_SUBJECT)
    parts = [f"{kind} of {subject}" if subject else kind]
    if version := _field(row, columns, ("version", "release", "commit")):
        parts.append(f"version {version}")
    key = _field(row, columns, ("key", "setting", "parameter", "property"))
    old = _field(row, columns, ("old", "previous", "from", "before"))
    new = _field(row, columns, ("new", "to", "after", "value"))
    change = f"{old} → {new}" if old and new else f"= {new}" if new else f"(was {old})" if old else ""
    if key or change:
        parts.append(" ".join(p for p in (key, change) if p))
    text = _field(row, columns, _TEXT, skip=tcol)
    rid = _record_id(columns, row)
    if rid and rid != text:
        parts.append(f"({rid})")
    if text and text not in (kind, version):
        parts.append(f"({text})")
    if not text and (free := _free_text(columns, row, {kind, subject, version, key, rid})):
        parts.append(f"({free})")  # what was done, when no column is named for it ("ddl", "command")
    if by := _field(row, columns, _BY):
        parts.append(f"by {by}")
    return " ".join(parts)


def change_events(
    call_id: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]], *, change_tool: bool = False
) -> list[ChangeEvent] | None:
    """The changes in a table (oldest first), or None when it is not a change table (see the module docstring;
    ``change_tool``: see :func:`is_change_table`)."""
    tcol = is_change_table(columns, rows, change_tool=change_tool)
    if tcol is None:
        return None
    out = []
    for row in rows:
        at = parse_time(row.get(tcol), epoch=True)
        if at is not None:
            out.append(ChangeEvent(at, _label(columns, row, tcol), call_id))
    return sorted(out, key=lambda e: e.at)


@dataclass(frozen=True, slots=True)
class Onset:
    """The onset of a spike in one series of one call; ``series`` names it (``latency_by_service(service=x)``)."""

    series: str
    call_id: str
    point: ChangePoint


@dataclass(frozen=True, slots=True)
class Timeline:
    """The ordered lines of a timeline and the conclusion sentences (last change before each onset)."""

    lines: tuple[str, ...]
    conclusions: tuple[str, ...]
    #: What the timeline lacks for a question asking for a cause ("no onset"), empty when nothing is lacking.
    missing: str = ""

    @property
    def text(self) -> str:
        """The timeline paragraph of the answer."""
        body = ["Timeline (oldest first):", *self.lines] if self.lines else []
        return "\n".join([*body, *self.conclusions])


def _onset_line(o: Onset) -> str:
    p = o.point
    return (
        f"- {fmt_time(p.at)} onset of a {p.direction} in {o.series}: "
        f"{fmt_num(p.before)} before, {fmt_num(p.after)} after [{o.call_id}]"
    )


def _what(onsets: Sequence[Onset]) -> str:
    names = [o.series for o in onsets]
    return f"the {onsets[0].point.direction} in " + (" and ".join(names) if len(names) < 3 else ", ".join(names))


def _within(onsets: Sequence[Onset], changes: Sequence[ChangeEvent]) -> str:
    """For an onset whose point stands for a whole interval (an hourly aggregate), the changes made within that
    interval: any of them may have started the shift, and none is "before" it ("" when there are none)."""
    at, span = onsets[0].point.at, onsets[0].point.span
    inside = [c for c in changes if span is not None and at < c.at < at + span]
    if span is None or not inside:
        return ""
    listed = "; ".join(f"the {c.label} at {fmt_time(c.at)} [{c.call_id}]" for c in inside[:3])
    more = f" (+{len(inside) - 3} more)" if len(inside) > 3 else ""
    return (
        f"The onset of {_what(onsets)} at {fmt_time(at)} is within the {fmt_duration(span)} from then (each point "
        f"of the series stands for an interval), and so are changes: {listed}{more}."
    )


def _conclusion(onsets: Sequence[Onset], changes: Sequence[ChangeEvent], sources: Sequence[str]) -> str:
    """The sentence naming the last change at or before ``onsets`` (all at one time), and the changes within
    the onset's interval when its points stand for intervals."""
    at = onsets[0].point.at
    what = _what(onsets)
    before = [c for c in changes if c.at <= at]
    inside = _within(onsets, changes)
    if not before:
        searched = ", ".join(sources)
        if inside:
            return f"{inside} Nothing in {searched} changed before that interval."
        if not changes:
            return f"Nothing changed before the onset of {what} at {fmt_time(at)}: {searched} returned no change."
        first = changes[0]
        return (
            f"Nothing changed before the onset of {what} at {fmt_time(at)}: the first change in {searched} is the "
            f"{first.label} at {fmt_time(first.at)}, {fmt_duration(first.at - at)} after it [{first.call_id}]."
        )
    last = before[-1]
    gap = "at the same time as" if last.at == at else f"{fmt_duration(at - last.at)} before"
    prev = onsets[0].point.previous_at
    within = ""
    if prev is not None and last.at > prev:
        within = f" (within one sampling interval: the series' point before the onset is at {fmt_time(prev)})"
    text = (
        f"Last change before the onset: the {last.label} at {fmt_time(last.at)}, {gap} the onset of {what} "
        f"at {fmt_time(at)}{within} [{last.call_id}]."
    )
    if len(before) > 1:
        prior = before[-2]
        text += f"\nBefore it: the {prior.label} at {fmt_time(prior.at)} [{prior.call_id}]."
    return f"{text} {inside}" if inside else text


def build_timeline(
    question: str, changes: Sequence[ChangeEvent], onsets: Sequence[Onset], change_sources: Sequence[str]
) -> Timeline | None:
    """The timeline of a run: ``changes`` from the change tables of ``change_sources`` (call titles) and the
    series ``onsets``; None when there is nothing to order (see the module docstring)."""
    changes = sorted(changes, key=lambda c: c.at)
    causal = bool(_CAUSAL.search(question))
    if not onsets:
        if not changes or not causal:
            return None
        listed = tuple(f"- {fmt_time(c.at)} {c.label} [{c.call_id}]" for c in changes[-MAX_TIMELINE_CHANGES:])
        return Timeline(
            listed,
            ("No onset to compare them with: no tool returned a series in which a spike starts (a single current "
             "value has no onset), so these changes cannot be placed before or after one.",),
            "no series with an onset: the changes cannot be placed before or after the trouble"
            if asks_for_cause(question) else "",
        )  # fmt: skip
    if not change_sources:
        if not causal:
            return None
        first = min(onsets, key=lambda o: o.point.at)
        return Timeline(
            (),
            (f"No change history was returned, so no change can be placed before the onset of "
             f"{_what([first])} at {fmt_time(first.point.at)}.",),
            "no change history: nothing can be placed before the onset" if asks_for_cause(question) else "",
        )  # fmt: skip
    by_time: dict[datetime, list[Onset]] = {}
    for o in sorted(onsets, key=lambda o: o.point.at):
        by_time.setdefault(o.point.at, []).append(o)
    latest_onset = max(by_time)
    shown = [c for c in changes if c.at <= latest_onset][-MAX_TIMELINE_CHANGES:]
    shown += [c for c in changes if c.at > latest_onset][:3]
    items: list[tuple[datetime, int, str]] = [(c.at, 0, f"- {fmt_time(c.at)} {c.label} [{c.call_id}]") for c in shown]
    items += [(o.point.at, 1, _onset_line(o)) for o in onsets]
    lines = [line for _, _, line in sorted(items, key=lambda i: (i[0], i[1]))]
    left = len(changes) - len(shown)
    if left:
        lines.append(f"- ({left} other changes not listed; they are in the tables above)")
    conclusions = tuple(_conclusion(group, changes, change_sources) for group in by_time.values())
    return Timeline(tuple(lines), conclusions)
