"""Rankings by how many rows: "which pump threw the most occlusion alarms", where each row of a log is one alarm.

A ranking over a column (:mod:`aggregate`) needs a column measuring what is asked. An event log has none: each of
its rows is one of the things counted. :func:`counted_rows` answers "which X ... the most Ys" from the calls of a
tool whose name says what its rows are (``alarm_log`` for "alarms"), by counting its rows per X:

* X is the column named so ("which site": ``site``), else the column whose values are the things another call of
  the run listed under a tool named after X ("which pump": the ``asset`` column, whose values ``pump_fleet``
  listed; "which turbine": the ``asset`` column of ``turbine_status``'s turbines);
* the words between "most" and the counted noun ("the most *occlusion* alarms") keep the rows whose text holds
  them, when some rows do and others do not: the rows counted are those of that kind;
* with no noun, a verb right before "the most" ("which conveyor has *jammed* the most") counts the rows of an
  event tool (a log, faults, alarms, errors, incidents by its name) saying it ("jam"), when some do and others do
  not; a listing of the kind asked ("kind=conveyor") names the column too;
* a state instead ("which tx has gone *off air* the most", a closed list of state words) counts the rows saying
  its words whole (``off_air``; "up" is no "update"); when no column of all the rows holds the things asked (an
  incident log's targets are channels and links too), the column is looked for among the rows of that state.

The order is stated like any ranking ("Highest alarms of alarm_log(...) (rows counted per asset, those with
"occlusion"): 14 for asset=CE-004123; then ..."). Nothing depends on a tool's or an estate's names: only the
question's form, the tools' names and the rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from opsuite_ops.domain.aggregate import Ranked, RankingAsk, counted_head, ranking
from opsuite_ops.domain.bm25 import STOP_WORDS, stem, value_stem

__all__ = ["asks_most_of", "counted_rows", "rows_named"]

_MOST = re.compile(r"\bmost\s+((?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)", re.IGNORECASE)
_WHICH = re.compile(r"\b(?:which|what)\s+(?:(?:the|a|an)\s+)?([a-z][\w-]*)", re.IGNORECASE)
_PARTS = re.compile(r"[a-z]+")
#: "which pump threw the most alarms", "which conveyor has jammed the most": which one, a verb, "the most".
_MOST_OF = re.compile(r"\bwhich\s+[a-z][\w-]*\s+(?:[a-z][\w-]*\s+){1,2}the\s+most\b(?:\s+([a-z]+)(?:\s+[a-z]+){0,2})?",
                      re.IGNORECASE)  # fmt: skip
#: Words after "most" that make a degree, not a count ("the most recent", "the most severe").
_DEGREES = frozenset({"recent", "recently", "common", "severe", "frequent", "frequently", "important", "likely",
                      "critical", "urgent", "affected", "used", "popular"})  # fmt: skip

#: (tool, call ids, columns, rows, arguments) of each call.
Calls = Sequence[tuple[str, tuple[str, ...], Sequence[str], Sequence[Mapping[str, Any]], Mapping[str, Any]]]
#: "which unit has jammed the most": a verb of what happened, right before "the most".
_VERB_MOST = re.compile(r"\b([a-z]{3,}ed)\s+(?:the\s+)?most\b", re.IGNORECASE)
#: Words of a tool's name saying its rows are events (a verb counts them: "jammed" the rows saying "jam").
_EVENT_TOOLS = frozenset({"log", "event", "fault", "alarm", "error", "incident"})
#: Parts after the thing's own word in the name of its column ("pump_id", "unit_name"); not "pump_state".
_KEY_PARTS = frozenset({"id", "name", "tag", "no", "ref", "code"})
#: "what time / which day had the most errors": a time, not a thing to count rows per.
_TIME_WORDS = frozenset({"time", "day", "hour", "date", "week", "month", "minute", "when"})


#: "which tx has gone off air the most", "which line was down the most": a state a thing was in, counted per thing.
_STATE_MOST = re.compile(r"\bwhich\s+[a-z][\w-]*\s+(?:has|have|had|is|was|were|got)\s+(?:been\s+|gone\s+|went\s+)?"
                         r"((?:[a-z]+\s+){1,3}?)the\s+most\b(?:\s+([a-z]+))?", re.IGNORECASE)  # fmt: skip


def _state_phrase(question: str) -> tuple[str, ...]:
    """The words of the state "which X has been <state> the most" counts ("off", "air"), or () when "the most" is
    followed by the things counted ("which site has had the most alarms") or the phrase is no state."""
    m = _STATE_MOST.search(question)
    if m is None or (m.group(2) or "").lower() in _DEGREES:
        return ()
    after = (m.group(2) or "").lower()
    if len(after) > 3 and after.endswith("s") and after not in STOP_WORDS:
        return ()  # "the most alarms": a noun counted, see rows_named
    words = tuple(w for w in m.group(1).lower().split() if w not in STOP_WORDS or w in ("off", "down", "out"))
    if not words or not all(w.isalpha() for w in words) or not set(words) & _STATE_WORDS:
        return ()  # "which customer has spent the most": a measure; "has jammed the most": a verb (_VERB_MOST)
    return words


#: Words of a state a thing is in ("off air", "down", "out of service", "in alarm"): a closed list, so a verb of a
#: measure ("spent", "grown", "sold", "run") is never read as one.
_STATE_WORDS = frozenset({"off", "down", "out", "offline", "unavailable", "unreachable", "idle", "stuck", "faulty",
                          "alarm", "alarming", "faulting", "failing", "broken"})  # fmt: skip


def _stems(text: str) -> set[str]:
    return {stem(p) for p in _PARTS.findall(text.lower())}


def asks_most_of(question: str) -> bool:
    """Whether ``question`` asks which thing has the most of some things ("which pump threw the most alarms",
    "which conveyor has jammed the most"): a count per thing, not the highest value of a measure."""
    if _state_phrase(question):
        return True  # "which tx has gone off air the most": the times each was
    m = _MOST_OF.search(question)
    if m is None or (m.group(1) or "").lower() in _DEGREES:
        return False  # "what are the most recent alarms": no count per thing
    if m.group(1) is None and counted_head(question)[0]:
        return True  # "how many complaints this week and which site got the most?": the most of those counted
    words = m.group(0).lower().split()[-3:]
    plural = any(len(w) > 3 and w.endswith("s") and w not in STOP_WORDS for w in words)
    return plural or bool(_VERB_MOST.search(question))


def rows_named(question: str, tool: str) -> tuple[str, tuple[str, ...]] | None:
    """(the counted noun, the words before it) when "the most ..." counts the rows of ``tool`` ("the most
    occlusion alarms": ``alarm_log``'s rows, of kind "occlusion"), else None."""
    own = _stems(tool)
    m = _MOST.search(question)
    words = m.group(1).lower().split() if m is not None else []
    if not words and (head := counted_head(question))[0] and _MOST_OF.search(question):
        words = [*head[1], head[0]]  # "how many driver complaints ... which site got the most": those counted
    for k, word in enumerate(words):
        if stem(word) in own and word.endswith("s"):  # a plural: the things counted ("alarms", not "alarm code")
            # the words before it that the tool's name has say what the rows are, not a kind of them
            return word, tuple(w for w in words[:k] if w not in STOP_WORDS and stem(w) not in own)
    if words and words[0].endswith("s") and words[0] not in STOP_WORDS and words[0] != "times":
        return None  # "logged the most errors": errors are counted, which this tool's name does not say
    state = _state_phrase(question)
    if state and own & {stem(w) for w in _EVENT_TOOLS}:
        return " ".join(state), state  # "gone off air": the rows of the tool saying "off" and "air", as words
    verb = _VERB_MOST.search(question)
    if verb is not None and own & {stem(w) for w in _EVENT_TOOLS}:
        done = value_stem(verb.group(1).lower())
        # "jammed": the rows saying "jam"; "alarmed" of an alarm log: every row is one
        return verb.group(1).lower(), (() if done in own else (done,))
    return None


def _repeats(rows: Sequence[Mapping[str, Any]], col: str) -> bool:
    """Whether some value of ``col`` stands in two rows or more (a log's rows per thing, not one row each)."""
    values = [r.get(col) for r in rows if isinstance(r.get(col), str)]
    return len(set(values)) < len(values)


def _key(which: str, tool: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]], others: Calls) -> str:
    """The column of the thing asked (see the module docstring), "" when none: a column named so (``pump``,
    ``pump_id``; not ``pump_state``), else one whose values another call listed, repeating across rows."""
    asked = stem(which)
    for col in columns:
        parts = [stem(p) for p in _PARTS.findall(col.lower())]
        if parts[:1] == [asked] and all(p in _KEY_PARTS for p in parts[1:]) and _repeats(rows, col):
            return col
    listed: set[str] = set()
    for other, _ids, _cols, other_rows, arguments in others:
        given = {stem(str(v).lower()) for v in arguments.values() if isinstance(v, str)}
        if other != tool and (asked in _stems(other) or asked in given):  # pump_fleet, or a listing of kind=pump
            listed.update(str(v) for r in other_rows for v in r.values() if isinstance(v, str))
    if not listed:
        return ""
    for col in columns:
        values = {r.get(col) for r in rows if isinstance(r.get(col), str)}
        if values and _repeats(rows, col) and len(values & listed) * 2 >= len(values):
            return col
    return ""


def _of_kind(
    kind: Sequence[str], rows: Sequence[Mapping[str, Any]], *, whole: bool = False
) -> tuple[list[Mapping[str, Any]], str]:
    """The rows whose text holds every word of ``kind`` ("occlusion"; not "non-critical" for "critical"), with the
    words said (every row when ``kind`` is empty); none when no row does."""
    if not kind:
        return list(rows), ""
    end = r"(?![a-z0-9])" if whole else ""  # a state's "up" is no "update"; a verb's "jam" is "jammed" too
    patterns = [re.compile(rf"(?<![a-z0-9-]){re.escape(w)}{end}", re.IGNORECASE) for w in kind]  # "air" of off_air

    def holds(row: Mapping[str, Any]) -> bool:
        text = " ".join(str(v) for v in row.values() if isinstance(v, str))
        return all(p.search(text) for p in patterns)

    kept = [r for r in rows if holds(r)]
    return (kept, " ".join(kind)) if kept else ([], "")


def counted_rows(
    question: str, ask: RankingAsk, calls: Calls, *, ranked: frozenset[str] = frozenset()
) -> list[tuple[str, tuple[str, ...]]]:
    """For "which X ... the most Ys", the rows of each tool whose rows are Ys counted per X (see the module
    docstring; not the ``ranked`` tools, which a column of theirs ranks): the sentence and the calls it read.
    A call repeated with the same arguments counts once; no rows of the kind asked mean no ranking."""
    which = _WHICH.search(question)
    if which is None or not ask.highest or which.group(1).lower() in _TIME_WORDS:
        return []
    out: list[tuple[str, tuple[str, ...]]] = []
    for tool in dict.fromkeys(c[0] for c in calls):
        counted = rows_named(question, tool)
        if counted is None or tool in ranked:
            continue
        noun, kind = counted
        verb_counted = noun.endswith("ed")
        sums: dict[str, float] = {}
        keys: set[str] = set()
        filters: set[str] = set()
        ids: list[str] = []
        seen: set[str] = set()  # the arguments of the calls before: a call repeated with the same ones counts once
        for _tool, call_ids, columns, rows, arguments in (c for c in calls if c[0] == tool):
            if (asked := json.dumps(arguments, sort_keys=True, default=str)) in seen:
                continue
            seen.add(asked)
            kept, said = _of_kind(kind, rows, whole=noun == " ".join(kind))  # a state's words whole: no "update"
            # the column of the thing asked, else that among the rows of the kind asked (an incident log's targets
            # are channels and links too; those off air are transmitters)
            key = _key(which.group(1), tool, columns, rows, calls) or _key(which.group(1), tool, columns, kept, calls)
            if not key or (kind and not said):
                continue  # no column of the thing asked, or no row of the kind asked
            keys.add(key)
            filters.add(said)
            ids.extend(call_ids)
            for row in kept:
                if isinstance(value := row.get(key), str) and value:
                    sums[f"{key}={value}"] = sums.get(f"{key}={value}", 0.0) + 1
        if not sums:
            continue
        how = f"rows counted per {', '.join(sorted(keys))}"
        if said := " ".join(sorted(f for f in filters if f)):
            how += f', those with "{said}"'
        label = f"{kind[0] if kind else stem(noun)}s" if verb_counted else noun  # "jammed": the jams
        text = ranking(ask, label, [Ranked(k, v) for k, v in sums.items()], f"{tool}()", how)
        if text:
            out.append((text, tuple(ids)))
    return out
