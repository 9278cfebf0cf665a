"""The record a question's "before" is anchored on: "what changed in the 2 hours before INC-4411 was opened?".

Such a question asks for the changes before a moment that a record holds, not before now: the incident's
opening. :func:`asked_anchor` reads the question's form (English words only, no estate's vocabulary): a record
id after ``before`` (``INC-4411``, ``INC/2026/0042``: letters, then numbers joined by hyphens or slashes), the verb
saying which of its moments (``was opened``, ``started``, ``got declared``) and the span before it ("the 2 hours",
"30 min"), if any. :func:`find_anchor` finds that moment in the run's calls: a row naming the record in one of
its own columns (an id column, or its first one; a change that merely cites the record, a ``ticket`` of a
change, is no such row), and in it the time column whose name the verb names (``opened_at`` for "opened"),
else its earliest time (a record's start).

The composer then keeps a change table's rows to the window before the anchor, saying how many it left out
(:mod:`call_facts`), and :func:`anchored_timeline` puts the anchor on the timeline and names the last change
before it, with the time between them. When no call returned the record's time, the changes cannot be placed
before it: the timeline says so and the answer is not complete.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from opsuite_ops.domain.bm25 import STOP_WORDS, tokenise
from opsuite_ops.domain.model import CallRecord, Tool
from opsuite_ops.domain.series_format import fmt_duration, fmt_time, is_time_name, parse_time
from opsuite_ops.domain.timeline import (
    MAX_TIMELINE_CHANGES,
    ChangeEvent,
    Onset,
    Timeline,
    build_timeline,
    lists_changes,
)
from opsuite_ops.domain.timerange import duration_unit, time_bound

__all__ = ["Anchor", "AskedAnchor", "anchored_timeline", "asked_anchor", "find_anchor", "read_from"]

_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "thirty": 30, "few": 3,
            "couple": 2}  # fmt: skip
_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hr": 3600, "hour": 3600,
          "d": 86400, "day": 86400, "w": 604800, "week": 604800}  # fmt: skip
#: Words ending like a participle that are none ("when", "then", "seven").
_NOT_VERBS = frozenset({"when", "then", "seven", "even", "often", "eleven", "ten", "hen", "open"})
#: A record id: upper-case letters and numbers ("INC-4411", "INC/2026/0042", "MI0107": a zero-padded or long number
#: written on), or any case with two numbers ("inc-2026-7"); "web-01" is a host, no record.
_ID = (
    r"(?:(?-i:[A-Z]{2,}[A-Z0-9]*)(?:[-/]\d+)+|[A-Za-z]{2,}[A-Za-z0-9]*(?:[-/]\d+){2,}"
    r"|(?-i:[A-Z]{2,4})(?:0\d{2,}|\d{4,}))"
)
#: "[in the 2 hours] before [the incident] INC-4411 [was opened]".
_WORD_UNITS = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\b"
#: "the 2 hours", "30m", "an hour", "the hour" (one unit) before; a one-letter unit only after digits ("and").
_BEFORE = re.compile(
    r"(?:(?:\b(?P<n>\d+(?:\.\d+)?)\s*(?P<u>" + _WORD_UNITS + r"|[smhdw]\b)"
    r"|\b(?P<wn>an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|thirty|few|couple(?:\s+of)?)"
    r"\s+(?P<wu>" + _WORD_UNITS + r")"
    r"|\bthe\s+(?P<tu>" + _WORD_UNITS + r"))\s+)?"
    r"\bbefore\s+(?:(?:the|an?|our|incident|ticket|alert|change|case|issue|record)\s+){0,3}"
    r"(?P<ref>" + _ID + r")\b"
    r"(?:\s+(?:was|were|is|got|had\s+been|has\s+been|been)?\s*"
    r"(?P<verb>began|went|came|fired|[a-z]+(?:ed|en))\b)?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class AskedAnchor:
    """The anchor a question asks about: the record, the verb naming its moment ("opened"), the span before it."""

    ref: str
    verb: str = ""
    span: timedelta | None = None

    @property
    def moment(self) -> str:
        """``INC-4411 was opened`` (``INC-4411`` when no verb says which moment)."""
        return f"{self.ref} was {self.verb}" if self.verb else self.ref


def asked_anchor(question: str) -> AskedAnchor | None:
    """The record a question's "before" names (see the module docstring), or None."""
    m = _BEFORE.search(question)
    if m is None:
        return None
    span = None
    if unit := (m.group("u") or m.group("wu") or m.group("tu") or "").lower():
        raw = (m.group("n") or m.group("wn") or "one").lower().removesuffix(" of").split()[0]
        n = float(raw) if raw[0].isdigit() else _NUMBERS.get(raw, 1)  # "the hour": one
        secs = _UNITS.get(unit) or _UNITS.get(unit.rstrip("s")) or _UNITS.get(unit[:3]) or 3600
        span = timedelta(seconds=n * secs)
    verb = (m.group("verb") or "").lower()
    verb = "" if verb in STOP_WORDS or verb in _NOT_VERBS else verb  # "before INC-1 when ..." names no moment
    return AskedAnchor(m.group("ref").upper(), verb, span)


@dataclass(frozen=True, slots=True)
class Anchor:
    """The moment a question's "before" names, found in a call's row: when, which column, which call."""

    asked: AskedAnchor
    at: datetime
    column: str
    call_id: str

    @property
    def since(self) -> datetime | None:
        """The start of the window asked before the anchor ("the 2 hours before"), None for any time before."""
        return None if self.asked.span is None else self.at - self.asked.span

    def keeps(self, at: datetime) -> bool:
        """Whether a change at ``at`` is in the asked window: at or before the anchor, and not before its span."""
        since = self.since
        return at <= self.at and (since is None or at >= since)

    @property
    def window(self) -> str:
        """``the 2 h before INC-4411 was opened at 2026-12-06 04:09Z`` (or ``before ...``)."""
        head = f"the {fmt_duration(self.asked.span)} before" if self.asked.span is not None else "before"
        return f"{head} {self.asked.moment} at {fmt_time(self.at)}"


def _rows(data: Any) -> list[Mapping[str, Any]]:
    rows = data.get("rows") if isinstance(data, Mapping) else data
    return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []


_ID_SUFFIX = re.compile(r"(?:[_-]id|Id|ID)$")


def _letters(ref: str) -> str:
    m = re.match(r"[A-Za-z]+", ref)
    return m.group(0).lower() if m else ""


def _names_kind(prefix: str, ref: str, entity: tuple[str, ...]) -> bool:
    """Whether an id column's prefix (``incident`` of ``incident_id``) names the kind of record ``ref`` is (its
    letters: ``inc``, or their initials) or the kind of thing the tool's rows are (``entity``: its name's words)."""
    words = tokenise(prefix)
    if not words:
        return False
    letters, joined = _letters(ref), "".join(words)
    if letters and (joined.startswith(letters) or letters.startswith(joined)):
        return True
    if letters and "".join(w[0] for w in words) == letters:
        return True
    return all(w in entity for w in words)


def _own_column(row: Mapping[str, Any], ref: str, entity: tuple[str, ...] = ()) -> str | None:
    """The column holding ``ref`` as the row's own id, else None: a column named ``id``, or ``<kind>_id`` where
    the kind is the record's (``incident_id`` for ``INC-4411``) or the tool's rows' (``entity``), or the first
    column holding an id. A row citing the record from another id column (a change's ``incident_id`` beside its
    own ``id``) is no such row: when the row's own id columns disagree, None."""
    own: list[tuple[str, str]] = []
    for k, col in enumerate(row):
        value = row.get(col)
        if not isinstance(value, str) or not value.strip():
            continue
        low = col.lower()
        suffixed = _ID_SUFFIX.search(col)
        named = low == "id" or bool(suffixed and _names_kind(col[: suffixed.start()], ref, entity))
        if named or (k == 0 and re.fullmatch(_ID, value.strip())):  # (a first column holding an id)
            own.append((col, value.strip().upper()))
    mine = [col for col, value in own if value == ref]
    if not mine or any(value != ref for _col, value in own):
        return None
    return mine[0]


def _moment(row: Mapping[str, Any], verb: str) -> tuple[str, datetime] | None:
    """The row's time the verb names (``opened_at`` for "opened"), else its earliest time; None when the column
    the verb names is there but holds no time (a ``resolved_at`` still empty: not resolved yet)."""
    times = []
    stems = set(tokenise(verb)) if verb else set()
    named_empty = False
    for col, value in row.items():
        at = parse_time(value, epoch=is_time_name(col))
        if at is not None:
            times.append((col, at))
        elif stems & set(tokenise(col)) and is_time_name(col):
            named_empty = True
    named = [(c, t) for c, t in times if stems & set(tokenise(c))]
    if named:
        return named[0]
    if named_empty or not times:
        return None
    return min(times, key=lambda p: p[1])


def _entity(tool: Tool | None, call: CallRecord) -> tuple[str, ...]:
    """The words of a tool's name: the kind of thing its rows are (``incident_log``: incident, review)."""
    return tuple(tokenise(tool.name if tool is not None else call.tool))


def _lists_other_changes(tool: Tool | None, ref: str) -> bool:
    """Whether ``tool`` lists changes and not records of ``ref``'s kind (its words never name the letters of
    ``INC-4411``, nor are its name's initials those letters): a change citing a record is none of its rows."""
    if tool is None or not lists_changes(tool.name, tool.description, tool.tags):
        return False
    letters = _letters(ref)
    said = set(re.findall(r"[a-z]+", f"{tool.name} {tool.description}".lower().replace("_", " ")))
    return letters not in said and "".join(w[0] for w in tokenise(tool.name)) != letters


def find_anchor(question: str, calls: Sequence[CallRecord], tools: Mapping[str, Tool] | None = None) -> Anchor | None:
    """The moment the question's "before" names, from the first successful call whose row is that record; None
    when the question names none or no call returned the record with a time. Rows of a tool listing changes
    are no record's own row (a change citing an incident)."""
    asked = asked_anchor(question)
    if asked is None:
        return None
    for call in calls:
        tool = (tools or {}).get(call.tool)
        if not call.ok or _lists_other_changes(tool, asked.ref):
            continue
        entity = _entity(tool, call)
        for row in _rows(call.output):
            if _own_column(row, asked.ref, entity) is None:
                continue
            if (moment := _moment(row, asked.verb)) is not None:
                return Anchor(asked, moment[1], moment[0], call.call_id)
    return None


def read_from(call: CallRecord, tool: Tool | None) -> datetime | None:
    """The start of the window a change tool was read over: its window-start argument (``since``), else a
    look-back (``hours=6``: that long before the call), else its earliest row's time; None when none is known."""
    if (start := _window_start(call, tool, defaults=False)) is not None:
        return start
    times = [at for row in _rows(call.output) for col, v in row.items() if is_time_name(col)
             if (at := parse_time(v, epoch=True)) is not None]  # fmt: skip
    return min(times) if times else None


def _window_start(call: CallRecord, tool: Tool | None, *, defaults: bool = True) -> datetime | None:
    """The start of the window ``call`` read: a window-start argument (``since``) or a look-back (``hours=6``: that
    long before the call), with ``defaults`` also the schema's default of one the call did not give; None when
    none is known."""
    props = tool.properties if tool is not None else {}
    given = dict(call.arguments)
    if defaults:
        given.update({n: s["default"] for n, s in props.items() if n not in given and "default" in s})
    starts: list[datetime] = []
    for name, value in given.items():
        if time_bound(name, props.get(name, {})) == "since" and (at := parse_time(value, epoch=True)) is not None:
            starts.append(at)
        elif isinstance(value, int | float) and not isinstance(value, bool) and (unit := duration_unit(name)):
            try:  # (a tenant's look-back of 1e30 hours reaches before any date: no start to place)
                starts.extend([call.started_at - timedelta(seconds=float(value) * unit)] if call.started_at else [])
            except (OverflowError, ValueError):
                continue
    return max(starts) if starts else None


#: Words asking what changed (the changes a timeline orders), whatever returned them.
_ASKS_CHANGES = re.compile(r"\b(?:chang\w*|deploy\w*|releas\w*|rollouts?|rolled\s+out|modif\w*)\b", re.IGNORECASE)


def _change_line(c: ChangeEvent) -> str:
    return f"- {fmt_time(c.at)} {c.label} [{c.call_id}]"


def anchored_timeline(
    question: str,
    changes: Sequence[ChangeEvent],
    onsets: Sequence[Onset],
    change_sources: Sequence[str],
    anchor: Anchor | None,
    read: Sequence[tuple[str, datetime]] = (),
) -> Timeline | None:
    """The timeline of a question whose "before" names a record (None when it names none, or when neither the
    question asks what changed nor a change history was returned): the changes in the asked window before the
    ``anchor`` and the anchor itself in order, the last change before it and the time
    between them; any series onsets too, with their own conclusions (see :func:`timeline.build_timeline`).
    ``read`` holds each change source's window start (:func:`read_from`): one later than the asked window's
    start cannot say what changed before it, and the timeline says what it lacks."""
    asked = asked_anchor(question)
    if asked is None or not (change_sources or _ASKS_CHANGES.search(question)):
        return None  # no anchor, or one no change is asked before ("the error rate before INC-4411")
    around = build_timeline(question, changes, onsets, change_sources) if onsets else None
    extra = around.conclusions if around is not None else ()
    if anchor is None:
        listed = tuple(_change_line(c) for c in sorted(changes, key=lambda c: c.at)[-MAX_TIMELINE_CHANGES:])
        what = f"when {asked.moment}"
        return Timeline(
            listed,
            (f"{what[0].upper()}{what[1:]} is not known: no tool returned {asked.ref} with its time, so no change can "
             f"be placed before it.", *extra),
            f"{what} is not known: no change can be placed before it",
        )  # fmt: skip
    kept = sorted((c for c in changes if anchor.keeps(c.at)), key=lambda c: c.at)
    shown = kept[-MAX_TIMELINE_CHANGES:]
    items = [(c.at, 0, _change_line(c)) for c in shown]
    items.append((anchor.at, 1, f"- {fmt_time(anchor.at)} {asked.moment} ({anchor.column}) [{anchor.call_id}]"))
    items += [(line_at, 2, line) for line_at, line in _onset_lines(onsets)]
    lines = [line for _at, _k, line in sorted(items, key=lambda i: (i[0], i[1]))]
    if len(kept) > len(shown):
        lines.append(f"- ({len(kept) - len(shown)} earlier changes in the window not listed; they are in the tables)")
    if not change_sources:
        return Timeline(
            tuple(lines),
            (f"No change history was returned, so no change can be placed {anchor.window}.", *extra),
            f"no change history: nothing can be placed before {asked.moment}",
        )
    start = anchor.since or anchor.at
    late = [(source, at) for source, at in read if at > start]
    if late:
        short = "; ".join(f"{source} only from {fmt_time(at)}" for source, at in late)
        said = "no change was returned" if not kept else "the changes listed are the ones returned"
        return Timeline(
            tuple(lines),
            (f"The changes were read {short}, after the start of {anchor.window}: {said}, and what changed "
             f"before that is not known.", *extra),
            f"the changes were read only from {fmt_time(max(at for _s, at in late))}, not over {anchor.window}",
        )  # fmt: skip
    if not kept:
        searched = ", ".join(change_sources)
        return Timeline(tuple(lines), (f"Nothing changed in {anchor.window}: {searched} returned no change in "
                                       "that window.", *extra))  # fmt: skip
    last = kept[-1]
    gap = "at the same time as" if last.at == anchor.at else f"{fmt_duration(anchor.at - last.at)} before"
    text = (
        f"Last change before {asked.moment}: the {last.label} at {fmt_time(last.at)}, {gap} it "
        f"({fmt_time(anchor.at)}) [{last.call_id}]."
    )
    if len(kept) > 1:
        text += f"\n{len(kept)} changes in {anchor.window}, from {fmt_time(kept[0].at)}."
    return Timeline(tuple(lines), (text, *extra))


def _onset_lines(onsets: Sequence[Onset]) -> list[tuple[datetime, str]]:
    out = []
    for o in onsets:
        p = o.point
        out.append((p.at, f"- {fmt_time(p.at)} onset of a {p.direction} in {o.series} [{o.call_id}]"))
    return out


#: A column of when each row's trouble first came ("first_gap_bucket", "first_seen", "earliest_alarm").
_FIRST_COLUMN = re.compile(r"^(?:first|earliest)(?:_|$)|_first$", re.IGNORECASE)


def first_times(
    listings: Sequence[tuple[str, CallRecord, Tool | None, Sequence[str], Sequence[Mapping[str, Any]]]],
) -> tuple[str, tuple[str, ...]] | None:
    """For a "when did it start" no series answers: the earliest time of a column saying when each row's trouble
    first came (``first_gap_bucket`` of gaps per channel), with its row and the listing's title, and the call it is
    from; None for none, or when that time lies at the start of the window the call read (its own or its schema's
    default look-back): the trouble may have begun before it. ``listings``: (title, call, tool, columns, rows) of
    the run's tables that are no series."""
    best: tuple[datetime, str, str, str, Mapping[str, Any], datetime | None] | None = None
    for title, call, tool, columns, rows in listings:
        start = _window_start(call, tool) if any(_FIRST_COLUMN.search(c) for c in columns) else None
        for col in (c for c in columns if _FIRST_COLUMN.search(c)):
            for row in rows[:10_000]:
                at = parse_time(row.get(col), epoch=is_time_name(col))
                if at is not None and (best is None or at < best[0]):
                    best = (at, title, call.call_id, col, row, start)
    if best is None:
        return None
    at, title, call_id, col, row, start = best
    if start is not None and at - start <= _EDGE:
        return None  # the rows begin where the window does: when it started lies further back
    label = next((f"{c}={v}" for c, v in row.items() if isinstance(v, str) and c != col and v.strip()), "")
    return f"The earliest {col} in {title}: {fmt_time(at)}" + (f" ({label})" if label else ""), (call_id,)


#: How close to a window's start a first time is taken for the window's edge, not for when the trouble began.
_EDGE = timedelta(minutes=15)
