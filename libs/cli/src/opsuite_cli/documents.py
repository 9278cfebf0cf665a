"""Declarative documents for ``opsuite apply -f``: loading, ``${ENV}`` expansion and ordering."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from opsuite_common.errors import FieldViolation, ValidationError

__all__ = ["KIND_ORDER", "Document", "load_documents"]

#: Apply order: what others refer to first.
KIND_ORDER = ("DataSource", "Channel", "Api", "Rule", "Silence", "AlertRouting")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Document:
    """One resource: its kind, name and desired spec, and where it came from."""

    kind: str
    name: str
    spec: dict[str, Any]
    source: str

    @property
    def ref(self) -> str:
        """``kind/name`` as printed by the CLI."""
        return f"{self.kind.lower()}/{self.name}"


def _expand(value: Any, where: str) -> Any:
    if isinstance(value, str):

        def sub(m: re.Match[str]) -> str:
            if m.group(1) not in os.environ:
                raise ValidationError.for_field(where, f"environment variable {m.group(1)} is not set")
            return os.environ[m.group(1)]

        return _ENV.sub(sub, value)
    if isinstance(value, dict):
        return {k: _expand(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def load_documents(path: Path) -> list[Document]:
    """Every document in a YAML file or in the *.yaml / *.yml files of a folder (sorted), in apply order."""
    files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")]) if path.is_dir() else [path]
    if not files:
        raise ValidationError.for_field("file", f"no .yaml files in {path}")
    docs: list[Document] = []
    problems: list[FieldViolation] = []
    for f in files:
        try:
            raw_docs = list(yaml.safe_load_all(f.read_text()))
        except yaml.YAMLError as exc:
            problems.append(FieldViolation(str(f), f"not valid YAML: {exc}"))
            continue
        except UnicodeDecodeError as exc:
            problems.append(FieldViolation(str(f), f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
            continue
        for i, raw in enumerate(d for d in raw_docs if d is not None):
            where = f"{f.name}[{i}]"
            if not isinstance(raw, dict) or not {"kind", "name", "spec"} <= raw.keys():
                problems.append(FieldViolation(where, "a document needs kind, name and spec"))
                continue
            if raw["kind"] not in KIND_ORDER:
                problems.append(FieldViolation(f"{where}.kind", f"unknown kind {raw['kind']!r}; one of {KIND_ORDER}"))
                continue
            try:
                spec = _expand(raw["spec"], f"{where}.spec")
            except ValidationError as exc:
                problems.extend(exc.field_violations)
                continue
            docs.append(Document(raw["kind"], str(raw["name"]), spec, where))
    if problems:
        raise ValidationError(f"{len(problems)} problem(s) in {path}", field_violations=problems)

    def order(d: Document) -> tuple[int, int]:
        # Workflows refer to other APIs by name: apply them after the APIs they call.
        workflow = d.kind == "Api" and str(d.spec.get("kind", "")).upper() == "WORKFLOW"
        return KIND_ORDER.index(d.kind), int(workflow)

    return sorted(docs, key=order)
