"""The docs stay true to the code: configuration tables and links.

* The README's configuration tables (the tables under a heading that contains "Configuration") list
  exactly the environment variables the settings classes read: every field of every pydantic
  ``BaseSettings`` class in ``opsuite_common.settings`` and in each service's ``config.py`` (env prefix +
  field name, upper-cased), and no variable that does not exist. A default written in the table as a
  literal (a number, ``true``/``false``, JSON, or a word in backticks) must be the field's default.
* Every relative link in ``README.md``, ``ARCHITECTURE.md`` and ``docs/**/*.md`` points to a file that
  exists and, when it names an anchor, to a heading of that file.

How the README writes variable names in a table's first column:

* ``<P>NAME`` is ``NAME`` under each service's prefix (``OPSUITE_API_MANAGER_``, ``OPSUITE_CEP_``,
  ``OPSUITE_OPS_``);
* ``A_B_C`` / ``_D`` / ``_E_F``: the first suffix replaces as many trailing words of ``A_B_C`` as it has
  (``_D``: one), and every later suffix goes on the same stem (``A_B_D``, ``A_B_E_F``).

A field whose type is itself a settings class (``auth``, ``client``, ``outbound`` in ``ServiceSettings``)
is read by that class under its own prefix, so it is documented through that class's fields.
"""

from __future__ import annotations

import importlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_settings import BaseSettings

from opsuite_common import settings as common_settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SERVICE_PREFIX = "<P>"
_VARIABLE = re.compile(r"(<P>|OPSUITE_)[A-Z0-9_]+|_[A-Z0-9_]+")


# ----------------------------------------------------------------------------------------- settings side
@dataclass(frozen=True, slots=True)
class Setting:
    """One environment variable a settings class reads."""

    cls: type[BaseSettings]
    field: str
    #: The field's default, or ``_NO_DEFAULT`` for a variable inside a nested model.
    default: Any


_NO_DEFAULT = object()


def _defined_settings(module: Any) -> list[type[BaseSettings]]:
    """The settings classes ``module`` defines that read the environment under a prefix."""
    return [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, BaseSettings)
        and obj.__module__ == module.__name__
        and obj.model_config.get("env_prefix")
    ]


def _service_prefixes() -> dict[str, str]:
    """Each service's env prefix -> the service's name (from its ``config.Settings``)."""
    out = {}
    for config in sorted(ROOT.glob("services/*/src/opsuite_*/config.py")):
        package = config.parent.name
        cls = importlib.import_module(f"{package}.config").Settings
        out[cls.model_config["env_prefix"]] = package.removeprefix("opsuite_")
    return out


def settings_classes() -> list[type[BaseSettings]]:
    """Every settings class whose fields the README must document."""
    classes = _defined_settings(common_settings)
    for config in sorted(ROOT.glob("services/*/src/opsuite_*/config.py")):
        classes += _defined_settings(importlib.import_module(f"{config.parent.name}.config"))
    return classes


def _is_settings(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseSettings)


def environment_variables() -> dict[str, Setting]:
    """Every environment variable the settings classes read, with the field behind it."""
    classes = settings_classes()
    out: dict[str, Setting] = {}
    for cls in classes:
        prefix = str(cls.model_config.get("env_prefix", ""))
        delimiter = cls.model_config.get("env_nested_delimiter")
        for name, field in cls.model_fields.items():
            annotation = field.annotation
            if _is_settings(annotation) and not delimiter:
                assert annotation in classes, f"{cls.__name__}.{name}: {annotation} is not a documented settings class"
                continue
            alias = field.validation_alias if isinstance(field.validation_alias, str) else field.alias
            env = (alias or f"{prefix}{name}").upper()
            if delimiter and isinstance(annotation, type) and issubclass(annotation, BaseModel):
                for sub in annotation.model_fields:
                    out[f"{env}{delimiter}{sub}".upper()] = Setting(cls, f"{name}.{sub}", _NO_DEFAULT)
                continue
            out[env] = Setting(cls, name, field.get_default(call_default_factory=True))
    return out


# ------------------------------------------------------------------------------------------- README side
@dataclass(frozen=True, slots=True)
class Row:
    """One row of a README configuration table."""

    line: int
    #: The variables of the row, ``<P>`` not yet expanded.
    names: tuple[str, ...]
    default: str


def _names(cell: str, line: int) -> tuple[str, ...]:
    """The variables written in a first cell (see the module docstring for the shorthand)."""
    names: list[str] = []
    stem = ""
    for token in re.findall(r"`([^`]+)`", cell):
        assert _VARIABLE.fullmatch(token), f"README line {line}: {token!r} is not a variable name"
        if not token.startswith("_"):
            names.append(token)
            stem = ""
            continue
        assert names, f"README line {line}: suffix {token!r} without a variable before it"
        if not stem:
            words = names[-1].split("_")
            stem = "_".join(words[: len(words) - len(token.strip("_").split("_"))])
        names.append(stem + token)
    return tuple(names)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def configuration_rows(text: str) -> tuple[list[Row], int]:
    """The rows of every table under a "Configuration" heading, and how many such tables there are."""
    rows: list[Row] = []
    tables = 0
    heading = ""
    in_code = False
    previous = ""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and (m := re.match(r"#{1,6}\s+(.*)", line)):
            heading = m.group(1)
        elif not in_code and line.startswith("|") and "configuration" in heading.lower():
            cells = _cells(line)
            if not previous.startswith("|"):
                tables += 1  # the header row
            elif not set("".join(cells)) <= set("-: "):
                names = _names(cells[0], number)
                assert names, f"README line {number}: a configuration row names no variable"
                rows.append(Row(number, names, cells[1] if len(cells) > 1 else ""))
        previous = line
    return rows, tables


def _expand(name: str, prefixes: list[str]) -> list[str]:
    if name.startswith(SERVICE_PREFIX):
        return [p + name.removeprefix(SERVICE_PREFIX) for p in prefixes]
    return [name]


def documented_variables(rows: list[Row], prefixes: list[str]) -> Counter[str]:
    """How many times each variable is documented."""
    return Counter(var for row in rows for name in row.names for var in _expand(name, prefixes))


# ------------------------------------------------------------------------------------------------ defaults
def _literal(part: str) -> tuple[bool, Any]:
    """``(True, value)`` for a default cell part written as a literal; ``(False, None)`` for prose."""
    m = re.match(r"\s*(`([^`]*)`|(\S+))", part)
    if m is None:
        return False, None
    quoted, word = m.group(2), m.group(3)
    text = quoted if quoted is not None else word
    try:
        return True, json.loads(text)
    except ValueError:
        return (True, text) if quoted is not None else (False, None)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _same(documented: Any, actual: Any) -> bool:
    if isinstance(documented, bool) or isinstance(actual, bool):
        return documented is actual
    if isinstance(documented, int | float) and isinstance(actual, int | float):
        return float(documented) == float(actual)
    if isinstance(documented, str) and not isinstance(actual, str):
        return False
    return bool(_plain(documented) == _plain(actual))


def default_mismatches(rows: list[Row], known: dict[str, Setting], services: dict[str, str]) -> list[str]:
    """Rows whose literal defaults differ from the fields' defaults."""
    prefixes = list(services)
    problems = []
    for row in rows:
        parts = [p for p in re.split(r"\s+/\s+", row.default) if p.strip()]
        pairs: list[tuple[str, str]] = []
        for i, name in enumerate(row.names):
            expanded = _expand(name, prefixes)
            if len(parts) == 1:
                pairs += [(var, parts[0]) for var in expanded]
            elif len(parts) == len(row.names):
                pairs += [(var, parts[i]) for var in expanded]
            elif name.startswith(SERVICE_PREFIX) and len(parts) == len(prefixes):
                pairs += list(zip(expanded, parts, strict=True))
        for var, part in pairs:
            setting = known.get(var)
            is_literal, value = _literal(part)
            if setting is None or not is_literal or setting.default is _NO_DEFAULT:
                continue
            if isinstance(value, str):
                service = next((s for p, s in services.items() if var.startswith(p)), "")
                value = value.replace("<service>", service)
            if not _same(value, setting.default):
                problems.append(
                    f"README line {row.line}: {var} default {value!r}, but "
                    f"{setting.cls.__name__}.{setting.field} defaults to {setting.default!r}"
                )
    return problems


# ------------------------------------------------------------------------------------------------- tests
def test_readme_configuration_tables_list_exactly_the_settings_fields() -> None:
    rows, tables = configuration_rows(README.read_text())
    assert tables >= 4, f"expected the common and the three services' configuration tables, found {tables}"
    services = _service_prefixes()
    documented = documented_variables(rows, list(services))
    known = environment_variables()
    missing = sorted(set(known) - set(documented))
    unknown = sorted(set(documented) - set(known))
    twice = sorted(var for var, n in documented.items() if n > 1)
    assert not missing, f"settings fields missing from the README's configuration tables: {missing}"
    assert not unknown, f"README configuration variables that no settings class reads: {unknown}"
    assert not twice, f"variables documented more than once: {twice}"


def test_readme_configuration_defaults_match_the_settings() -> None:
    rows, _ = configuration_rows(README.read_text())
    problems = default_mismatches(rows, environment_variables(), _service_prefixes())
    assert not problems, "\n".join(problems)


def test_the_name_shorthand_expands_as_documented() -> None:
    assert _names("`OPSUITE_OPS_DEFAULT_MAX_STEPS` / `_MAX_PARALLELISM` / `_TOTAL_TIMEOUT_S`", 0) == (
        "OPSUITE_OPS_DEFAULT_MAX_STEPS",
        "OPSUITE_OPS_DEFAULT_MAX_PARALLELISM",
        "OPSUITE_OPS_DEFAULT_TOTAL_TIMEOUT_S",
    )
    assert _names("`OPSUITE_AUTH_JWT_ISSUER` / `_AUDIENCE`", 0) == (
        "OPSUITE_AUTH_JWT_ISSUER",
        "OPSUITE_AUTH_JWT_AUDIENCE",
    )
    assert _expand("<P>PORT", ["A_", "B_"]) == ["A_PORT", "B_PORT"]


# ----------------------------------------------------------------------------------------------- links
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _prose_lines(path: Path) -> list[tuple[int, str]]:
    """The lines of a markdown file outside fenced code blocks."""
    out, in_code = [], False
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        elif not in_code:
            out.append((number, line))
    return out


def anchors(path: Path) -> set[str]:
    """The anchors of a markdown file's headings (repeated headings get ``-1``, ``-2``...)."""
    seen: Counter[str] = Counter()
    out = set()
    for _, line in _prose_lines(path):
        if m := re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line):
            slug = _slug(m.group(1))
            out.add(slug if not seen[slug] else f"{slug}-{seen[slug]}")
            seen[slug] += 1
    return out


def markdown_files() -> list[Path]:
    """The documents whose links are checked."""
    return [README, ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").rglob("*.md"))]


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    """Relative links of ``path`` whose file or anchor does not exist (paths shown relative to ``root``)."""
    problems = []
    for number, line in _prose_lines(path):
        for target in _LINK.findall(re.sub(r"`[^`]*`", "", line)):
            if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target):
                continue  # http:, https:, mailto:
            file_part, _, anchor = target.partition("#")
            dest = (path.parent / file_part).resolve() if file_part else path
            where = f"{path.relative_to(root)}:{number}: {target}"
            if not dest.exists():
                problems.append(f"{where}: no such file")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                problems.append(f"{where}: no heading with anchor #{anchor} in {dest.relative_to(root)}")
    return problems


def test_every_relative_link_in_the_docs_resolves() -> None:
    files = markdown_files()
    assert all(f.exists() for f in files[:2])
    problems = [p for f in files for p in broken_links(f)]
    assert not problems, "\n".join(problems)


def test_the_link_check_sees_a_broken_link(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("# Title\n\n[ok](#title) [bad](#nope) [gone](missing.md) `[code](x.md)`\n")
    problems = broken_links(doc, root=tmp_path)
    assert [p.split(": ")[-1] for p in problems] == ["no heading with anchor #nope in doc.md", "no such file"]
