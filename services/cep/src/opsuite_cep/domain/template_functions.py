"""The functions of cep's template language (:mod:`opsuite_cep.domain.templates`): Prometheus' alerting-template
vocabulary (humanize, humanizePercentage, humanizeDuration, printf, default...), each total: given a value it
cannot format, it returns the value as text rather than failing.
"""

from __future__ import annotations

import json
import math
import re
import urllib.parse
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

__all__ = ["FUNCTIONS", "MAX_WIDTH", "number_of", "printf_verbs", "text_of"]

#: The largest printf width or precision.
MAX_WIDTH = 64


def _number(x: Any) -> float | None:
    """``x`` as a float, or None when it is not a number (booleans are not numbers)."""
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, int | float):
        return float(x)
    try:
        return float(str(x).strip())
    except ValueError:
        return None


def _g4(v: float) -> str:
    return f"{v:.4g}"


def _text(x: Any) -> str:
    """How a value prints: None is empty, whole floats print without ``.0`` (as Go's ``%v``)."""
    if x is None:
        return ""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        if math.isfinite(x) and x.is_integer() and abs(x) < 1e21:
            return str(int(x))
        return repr(x) if math.isfinite(x) else ("NaN" if math.isnan(x) else ("+Inf" if x > 0 else "-Inf"))
    return str(x)


def _numeric(fn: Callable[[float], str]) -> Callable[[Any], str]:
    def apply(x: Any) -> str:
        v = _number(x)
        return _text(x) if v is None else fn(v)

    return apply


def _humanize(v: float) -> str:
    if v == 0 or not math.isfinite(v):
        return _g4(v)
    if abs(v) >= 1:
        prefix = ""
        for p in ("k", "M", "G", "T", "P", "E", "Z", "Y"):
            if abs(v) < 1000:
                break
            prefix, v = p, v / 1000
        return _g4(v) + prefix
    prefix = ""
    for p in ("m", "u", "n", "p", "f", "a", "z", "y"):
        if abs(v) >= 1:
            break
        prefix, v = p, v * 1000
    return _g4(v) + prefix


def _humanize1024(v: float) -> str:
    if abs(v) <= 1 or not math.isfinite(v):
        return _g4(v)
    prefix = ""
    for p in ("ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"):
        if abs(v) < 1024:
            break
        prefix, v = p, v / 1024
    return _g4(v) + prefix


def _humanize_duration(v: float) -> str:
    if not math.isfinite(v):
        return _g4(v)
    if v == 0:
        return "0s"
    if abs(v) >= 1:
        sign = "-" if v < 0 else ""
        v = abs(v)
        whole = int(v)
        days, hours, minutes, seconds = whole // 86_400, whole // 3600 % 24, whole // 60 % 60, whole % 60
        if days:
            return f"{sign}{days}d {hours}h {minutes}m {seconds}s"
        if hours:
            return f"{sign}{hours}h {minutes}m {seconds}s"
        if minutes:
            return f"{sign}{minutes}m {seconds}s"
        return f"{sign}{_g4(v)}s"
    prefix = ""
    for p in ("m", "u", "n", "p", "f", "a", "z", "y"):
        if abs(v) >= 1:
            break
        prefix, v = p, v * 1000
    return f"{_g4(v)}{prefix}s"


def _humanize_timestamp(v: float) -> str:
    if not math.isfinite(v) or not -62_135_596_800 <= v <= 253_402_300_799:  # outside years 1 to 9999
        return _g4(v)
    t = datetime.fromtimestamp(v, UTC)
    frac = f"{t.microsecond / 1e6:.6f}"[1:].rstrip("0").rstrip(".")
    return t.strftime("%Y-%m-%d %H:%M:%S") + frac + " +0000 UTC"


def _title(x: Any) -> str:
    out, start = [], True
    for ch in _text(x):
        out.append(ch.upper() if start and ch.isalpha() else ch)
        start = not ch.isalnum() and ch != "_" and ch != "'"
    return "".join(out)


def _default(fallback: Any, x: Any) -> Any:
    return fallback if x is None or x == "" else x


_VERB = re.compile(r"%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])?")
_VERBS = "vdfFeEgGsqxXt%"


def _printf_verbs(fmt: str) -> list[str]:
    """The verbs of a printf format; raises ValueError for an unknown verb or a width above 64."""
    verbs = []
    for m in _VERB.finditer(fmt):
        flags, width, prec, verb = m.groups()
        if verb is None or verb not in _VERBS:
            raise ValueError(f"printf: unsupported verb {m.group(0)!r}; use one of %v %d %f %e %g %s %q %x %t %%")
        if int(width or 0) > MAX_WIDTH or int(prec or 0) > MAX_WIDTH:
            raise ValueError(f"printf: width and precision are at most {MAX_WIDTH} ({m.group(0)!r})")
        if verb != "%":
            verbs.append(verb)
    return verbs


def _bad_arg(verb: str, x: Any) -> str:
    """Go's mark for an argument a verb cannot print: ``%!f(string=abc)``, ``%!f(<nil>)``."""
    if x is None:
        return f"%!{verb}(<nil>)"
    kind = {str: "string", float: "float64", int: "int", bool: "bool"}.get(type(x), "value")
    return f"%!{verb}({kind}={_text(x)})"


def _printf(fmt: Any, *args: Any) -> str:
    fmt, out, pos, i = _text(fmt), [], 0, 0
    for m in _VERB.finditer(fmt):
        out.append(fmt[pos : m.start()])
        pos = m.end()
        flags, width, prec, verb = m.groups()
        if verb is None or verb not in _VERBS:
            out.append(m.group(0))
            continue
        if verb == "%":
            out.append("%")
            continue
        if i >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        arg, i = args[i], i + 1
        spec = f"%{flags}{width or ''}{'.' + prec if prec is not None else ''}"
        num = _number(arg)
        if verb in "dxX":
            if num is None or not math.isfinite(num):
                out.append(_bad_arg(verb, arg))
            else:
                out.append((spec + verb) % int(num))
        elif verb in "fFeEgG":
            if num is None:
                out.append(_bad_arg(verb, arg))
            else:
                out.append((spec + verb.lower() if verb == "F" else spec + verb) % num)
        elif verb == "q":
            out.append((spec + "s") % json.dumps(_text(arg), ensure_ascii=False))
        else:  # v, s, t
            out.append((spec + "s") % _text(arg))
    out.append(fmt[pos:])
    return "".join(out)


#: Function name -> (implementation, fewest arguments, most arguments; -1 is any number).
FUNCTIONS: Mapping[str, tuple[Callable[..., Any], int, int]] = {
    "humanize": (_numeric(_humanize), 1, 1),
    "humanize1024": (_numeric(_humanize1024), 1, 1),
    "humanizePercentage": (_numeric(lambda v: _g4(v * 100) + "%"), 1, 1),
    "humanizeDuration": (_numeric(_humanize_duration), 1, 1),
    "humanizeTimestamp": (_numeric(_humanize_timestamp), 1, 1),
    "printf": (_printf, 1, 17),
    "default": (_default, 2, 2),
    "toUpper": (lambda x: _text(x).upper(), 1, 1),
    "toLower": (lambda x: _text(x).lower(), 1, 1),
    "title": (_title, 1, 1),
    "trimSpace": (lambda x: _text(x).strip(), 1, 1),
    "urlquery": (lambda x: urllib.parse.quote_plus(_text(x)), 1, 1),
}


text_of = _text
number_of = _number
printf_verbs = _printf_verbs
