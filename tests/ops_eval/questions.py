"""The question-set format and how a fact is matched in an answer.

A set is a YAML file::

    set: demo                      # the name results are reported under
    estate: demo                   # which estate the runner builds and seeds (demo | second)
    tenant: demo                   # the tenant its APIs live in
    questions:
      - id: cpu-web-02-24h
        category: metric           # free text, results are also totalled per category
        question: cpu on web-02 over the last 24 hours
        mode: all                  # optional: all | config | metric | history | graph | document
        expect: [COMPLETE]         # the statuses a correct answer may have
        facts:                     # each must appear in the answer text
          - {label: a hot sample, number: [93, 99], near: web-02}
          - {label: the spike's onset, time: -40m}
        forbidden:                 # wrong assertions: none may appear
          - {label: memory data instead, re: 'memory_by_host\\('}

A fact is one of:

- a plain string or ``{text: ...}``: the words, case-insensitive, not part of a longer name
  (``web-02`` does not match ``web-021`` or ``xweb-02``);
- ``{re: ...}``: a regular expression (case-insensitive);
- ``{number: [lo, hi], near: ...}``: a number between lo and hi (inclusive) in the answer, not counting
  digits inside timestamps, clock times, versions, ids and names such as ``web-02``; with ``near``, on the
  anchor's line or in the 300 characters after it (same paragraph);
- ``{time: -40m}``: the estate's "now" (when it was built) moved by the offset (``s``/``m``/``h``/``d``),
  as a clock time ``HH:MM`` (UTC), or as "N minutes ago" within two minutes;
- ``{any: [fact, ...]}``: at least one of them.

``echo_ok: true`` lets a fact match its own question (see below) when only the answer's own words can
state it, e.g. "disk" for "no tool reports disk usage".

Every fact has an optional ``label`` (what it stands for, shown in the results). Questions may use
``{date:-2d}`` (a UTC date, ``YYYY-MM-DD``) and ``{clock:-3h}`` (``HH:MM``) relative to the estate's now.

The answer is matched with every occurrence of the question itself removed (the composer echoes it),
and a set is rejected when one of its facts already matches its own question: such a fact would be
satisfied by the echo of the question, not by the answer.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "STATUSES",
    "EvalContext",
    "Fact",
    "Question",
    "QuestionSet",
    "load_set",
    "numbers_in",
    "scoring_text",
]

#: The answer statuses a question may expect (``AnswerStatus`` without the ``ANSWER_STATUS_`` prefix).
STATUSES = frozenset({"COMPLETE", "PARTIAL", "UNANSWERED"})
MODES = frozenset({"all", "config", "metric", "history", "graph", "document"})

_OFFSET_RE = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*([smhd])$")
_TEMPLATE_RE = re.compile(r"\{(date|clock):([+-]?\d+(?:\.\d+)?[smhd])\}")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# Digits that are not values: timestamps, clock times, versions, names with numbers, ids, citations.
_NOT_VALUES = [
    re.compile(r"\b\w+\([^()\n]*\)"),  # a call as the answer names it: tool(arg=value, ...)
    re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?", re.I),
    re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"),
    re.compile(r"\bv?\d+\.\d+\.\d+[\w.-]*", re.I),
    re.compile(r"\b[a-z_][\w]*(?:[-_.][\w]+)*[-_]\d[\w-]*", re.I),
    re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I),
    re.compile(r"\[[a-z]*\d+\]", re.I),
    re.compile(r"\b\d{10,}\b"),  # epoch seconds and other long ids
    # counts and durations: "288 rows", "12 points", "last 6 hours", "showing 20 of", "the newest 10"
    re.compile(
        r"\b\d+\s+(?:rows?|points?|samples?|values?|series|of|more|steps?|calls?|tools?|hosts?|nodes?|"
        r"seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\b",
        re.I,
    ),
    re.compile(r"\b(?:newest|oldest|first|last|showing|top|the)\s+\d+\b", re.I),
]
_NUMBER_RE = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?!\.?\d)")


@dataclass(frozen=True, slots=True)
class EvalContext:
    """What time-relative facts are relative to: the estate's "now" and when the question was asked."""

    estate_now: datetime
    asked_at: datetime


def _offset(raw: str) -> timedelta:
    m = _OFFSET_RE.match(str(raw).strip())
    if not m:
        raise ValueError(f"bad time offset {raw!r}: use e.g. -40m, -2h, -1d")
    return timedelta(seconds=float(m.group(1)) * _UNIT_S[m.group(2)])


def numbers_in(text: str) -> list[float]:
    """The values in ``text``: numbers outside timestamps, clock times, versions, names and ids."""
    for rx in _NOT_VALUES:
        text = rx.sub(" ", text)
    return [float(m.group(1).replace(",", "")) for m in _NUMBER_RE.finditer(text)]


def _token_re(words: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(words) + r"(?![\w]|-\w)", re.I)


@dataclass(frozen=True)
class Fact:
    """One fact an answer must (or, when forbidden, must not) state; see the module docstring."""

    label: str
    kind: str  # text | re | number | time | any
    text: str = ""
    low: float = 0.0
    high: float = 0.0
    near: str = ""
    offset: timedelta = timedelta()
    options: tuple[Fact, ...] = ()
    #: The fact may match the question itself (only the answer can state it: e.g. "disk" in "no tool
    #: reports disk usage" for a question about disk usage, where no tool call can echo the word).
    echo_ok: bool = False

    @classmethod
    def parse(cls, raw: Any, where: str) -> Fact:
        """A fact from its YAML form."""
        if isinstance(raw, str):
            return cls(label=raw, kind="text", text=raw)
        if not isinstance(raw, Mapping):
            raise ValueError(f"{where}: a fact is a string or a mapping, not {raw!r}")
        fact = cls._parse_kind(raw, where)
        return dataclasses.replace(fact, echo_ok=bool(raw.get("echo_ok", False)))

    @classmethod
    def _parse_kind(cls, raw: Mapping[str, Any], where: str) -> Fact:
        label = str(raw.get("label", ""))
        if "text" in raw:
            return cls(label=label or str(raw["text"]), kind="text", text=str(raw["text"]))
        if "re" in raw:
            re.compile(str(raw["re"]))
            return cls(label=label or str(raw["re"]), kind="re", text=str(raw["re"]))
        if "number" in raw:
            low, high = raw["number"]
            near = str(raw.get("near", ""))
            return cls(label=label or f"a number in [{low}, {high}]", kind="number", low=float(low),
                       high=float(high), near=near)  # fmt: skip
        if "time" in raw:
            return cls(label=label or f"the time now{raw['time']}", kind="time", offset=_offset(str(raw["time"])))
        if "any" in raw:
            options = tuple(cls.parse(o, f"{where}.any[{i}]") for i, o in enumerate(raw["any"]))
            return cls(label=label or " or ".join(o.label for o in options), kind="any", options=options)
        raise ValueError(f"{where}: a fact needs one of text, re, number, time, any")

    def matches(self, text: str, ctx: EvalContext, *, use_near: bool = True) -> bool:
        """Whether ``text`` states this fact (``use_near=False`` looks for a number anywhere)."""
        if self.kind == "text":
            return _token_re(self.text).search(text) is not None
        if self.kind == "re":
            return re.search(self.text, text, re.I) is not None
        if self.kind == "number":
            windows = _windows(text, self.near) if self.near and use_near else [text]
            return any(self.low <= n <= self.high for w in windows for n in numbers_in(w))
        if self.kind == "time":
            at = ctx.estate_now + self.offset
            if re.search(rf"(?<![\d:]){at:%H:%M}(?!\d)", text):
                return True
            ago = (ctx.asked_at - at).total_seconds() / 60
            for m in re.finditer(r"\b(\d+)\s*(?:min|mins|minutes?)\s+(?:ago|before now|earlier)", text, re.I):
                if abs(int(m.group(1)) - ago) <= 2:
                    return True
            return False
        return any(o.matches(text, ctx, use_near=use_near) for o in self.options)


def _windows(text: str, anchor: str) -> list[str]:
    """The anchor's line plus up to 300 characters after it (stopping at a blank line), per occurrence."""
    out = []
    for m in _token_re(anchor).finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        end = min(len(text), m.end() + 300)
        blank = text.find("\n\n", m.end(), end)
        out.append(text[start : blank if blank >= 0 else end])
    return out


@dataclass(frozen=True)
class Question:
    """One question of a set: what to ask, which statuses are right, which facts must (not) appear."""

    id: str
    category: str
    question: str
    expect: frozenset[str]
    facts: tuple[Fact, ...] = ()
    forbidden: tuple[Fact, ...] = ()
    mode: str = "all"
    note: str = ""

    @property
    def unanswerable(self) -> bool:
        """The estate cannot answer it fully: a right answer is PARTIAL or UNANSWERED."""
        return self.expect <= {"PARTIAL", "UNANSWERED"}


@dataclass(frozen=True)
class QuestionSet:
    """A named set of questions over one estate."""

    name: str
    estate: str
    tenant: str
    questions: tuple[Question, ...] = field(default_factory=tuple)

    @property
    def unanswerable(self) -> int:
        """How many questions cannot be answered fully."""
        return sum(q.unanswerable for q in self.questions)


def render(text: str, estate_now: datetime) -> str:
    """``text`` with ``{date:-2d}`` / ``{clock:-3h}`` replaced, relative to the estate's now."""

    def sub(m: re.Match[str]) -> str:
        at = estate_now + _offset(m.group(2))
        return f"{at:%Y-%m-%d}" if m.group(1) == "date" else f"{at:%H:%M}"

    return _TEMPLATE_RE.sub(sub, text)


def scoring_text(answer: str, question: str) -> str:
    """The answer as facts are looked for in it: without the echoed question."""
    return re.sub(re.escape(question), " ", answer, flags=re.I)


def load_set(path: Path, estate_now: datetime) -> QuestionSet:
    """Load and check a question set; templates are rendered for ``estate_now``."""
    raw = yaml.safe_load(path.read_text())
    ctx = EvalContext(estate_now, estate_now)
    questions: list[Question] = []
    seen: set[str] = set()
    for i, q in enumerate(raw["questions"]):
        where = f"{path.name}: questions[{i}] ({q.get('id', '?')})"
        qid = str(q["id"])
        if qid in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(qid)
        expect = frozenset(str(s).upper() for s in q["expect"])
        if not expect or not expect <= STATUSES:
            raise ValueError(f"{where}: expect must be a non-empty subset of {sorted(STATUSES)}")
        mode = str(q.get("mode", "all"))
        if mode not in MODES:
            raise ValueError(f"{where}: unknown mode {mode!r}")
        text = render(str(q["question"]), estate_now)
        facts = tuple(Fact.parse(f, f"{where}.facts[{j}]") for j, f in enumerate(q.get("facts") or []))
        forbidden = tuple(Fact.parse(f, f"{where}.forbidden[{j}]") for j, f in enumerate(q.get("forbidden") or []))
        for fact in (*facts, *forbidden):
            if not fact.echo_ok and fact.matches(text, ctx):
                raise ValueError(f"{where}: the fact {fact.label!r} matches the question itself")
        questions.append(
            Question(qid, str(q.get("category", "")), text, expect, facts, forbidden, mode, str(q.get("note", "")))
        )
    return QuestionSet(str(raw["set"]), str(raw["estate"]), str(raw["tenant"]), tuple(questions))
