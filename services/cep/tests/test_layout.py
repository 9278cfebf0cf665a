"""The package's shape (issue 17): servicers translate only, I/O lives in ``adapters``, no method is named ``list``."""

from __future__ import annotations

import ast
from pathlib import Path

import opsuite_cep

PACKAGE = Path(opsuite_cep.__file__).resolve().parent


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_servicers_never_query_the_database() -> None:
    offenders = {
        f"{path.name} imports {name}"
        for path in _modules("servicers")
        for name in _imported(path)
        if name.startswith(("opsuite_cep.db.repositories", "opsuite_common.db", "sqlalchemy"))
    }
    assert not offenders, f"servicers must call use cases in app/, not the database: {sorted(offenders)}"


def test_app_holds_no_outbound_client() -> None:
    clients = ("httpx", "smtplib", "opsuite_common.client", "opsuite.apimanager", "opsuite.ops")
    offenders = {
        f"{path.name} imports {name}"
        for path in _modules("app")
        for name in _imported(path)
        if name.startswith(clients)
    }
    assert not offenders, f"outbound I/O belongs in adapters/: {sorted(offenders)}"


def test_no_method_is_named_list() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{item.lineno} {node.name}.list"
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.ClassDef)
        for item in node.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name == "list"
    ]
    assert not offenders, f"a method named list shadows the builtin in its class: {offenders}"
