"""Enum values a parameter's description names in words: "FSP/HJ/01 Harbour Junction, FSP/CW/01 Caldwick",
"KNW (Kinwell)", "Harbour Junction (IXL:HJ2)".

A question names a place or a thing by its name ("the fsp load at harbour jn"), the tool takes its code. When an
enum parameter's description writes a value next to a label (after it, in brackets after it, or before it with
the value in brackets), a question holding every word of a label (or an abbreviation of it: "jn" for junction,
:data:`~opsuite_ops.domain.words.ABBREVIATIONS`) names that value. Read from the schema alone; no estate's names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from opsuite_ops.domain.bm25 import STOP_WORDS, stem
from opsuite_ops.domain.words import ABBREVIATIONS

__all__ = ["described_values", "quantity_values"]

_LABEL = r"([A-Za-z][A-Za-z .'&-]{1,40}?)"
_WORD = re.compile(r"[a-z]{2,}")


def _labels(value: str, description: str) -> list[str]:
    v = re.escape(value)
    found = re.findall(v + r"\s*\(\s*" + _LABEL + r"\s*\)", description)  # "KNW (Kinwell)"
    found += re.findall(r"(?<![\w/:-])" + v + r"\s+" + _LABEL + r"(?=\s*(?:[,;)]|$|\be\.g\.))", description)
    found += re.findall(_LABEL + r"\s*\(\s*" + v + r"\s*\)", description)  # "Kinwell (KNW)"
    return [f for f in found if f.strip()]


def _said(word: str, words: set[str]) -> bool:
    if word in words or stem(word) in words:
        return True
    return any(word in ABBREVIATIONS.get(w, ()) for w in words)


def described_values(options: Sequence[Any], description: str, words: Sequence[str]) -> list[Any]:
    """The options whose label in ``description`` the question's ``words`` say whole (see the module docstring)."""
    if not description:
        return []
    said = {w.lower() for w in words} | {stem(w.lower()) for w in words}
    chosen = []
    for option in options:
        value = str(option)
        if not value.strip() or value not in description:
            continue
        for label in _labels(value, description):
            parts = [w for w in _WORD.findall(label.lower()) if w not in STOP_WORDS and w not in ("id", "eg")]
            if parts and all(_said(p, said) for p in parts):
                chosen.append(option)
                break
    return chosen


_LIST = re.compile(r"\(([^()]{1,200})\)")


def quantity_values(options: Sequence[Any], description: str, words: Sequence[str]) -> list[Any]:
    """The one option whose quantities a tool's ``description`` lists after it and the question names ("GRID-132
    point of connection (export_mw, voltage_kv)" for "what is the farm exporting": ``export_mw`` is GRID-132's);
    none when no option, or more than one, lists a quantity the question names. A quantity is named by the first
    word of its name ("export" of ``export_mw``), a word of four letters or more that is no stop word."""
    said = {w.lower() for w in words} | {stem(w.lower()) for w in words}
    chosen = []
    for option in options:
        value = str(option)
        start = description.find(value) if value.strip() else -1
        if start < 0:
            continue
        rest = description[start + len(value) :]
        ends = [i for o in options if str(o).strip() and (i := rest.find(str(o))) > 0]
        found = _LIST.search(rest[: min(ends, default=len(rest))])
        if found is None:
            continue
        firsts = {re.split(r"[_\s]+", q.strip().lower())[0] for q in found.group(1).split(",")}
        if any(len(f) >= 4 and f not in STOP_WORDS and (f in said or stem(f) in said) for f in firsts):
            chosen.append(option)
    return chosen if len(chosen) == 1 else []
