"""The services share one shape (issue 17): the same top-level modules and folders, the same named places for
wiring, models, repositories, migrations and proto conversion; servicers translate only, domain modules stay
pure, the app holds no outbound client, migrations run from the wiring alone, no method is named ``list``,
and no module of libs/ or services/ grows past 500 lines.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("api_manager", "cep", "ops")
#: Every service package holds exactly these (``py.typed`` marks the package as typed).
TOP_LEVEL = {
    "__init__.py",
    "main.py",
    "server.py",
    "config.py",
    "py.typed",
    "app/",
    "adapters/",
    "db/",
    "domain/",
    "servicers/",
}
#: Named places every service has.
REQUIRED = ("app/wiring.py", "db/models.py", "db/repositories.py", "db/migrations/env.py", "servicers/convert.py")
MAX_LINES = 500
GENERATED = ROOT / "libs" / "contracts" / "src" / "opsuite"


def _package(service: str) -> Path:
    return ROOT / "services" / service / "src" / f"opsuite_{service}"


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), str(path))


def _module_name(path: Path, service: str) -> str:
    parts = path.relative_to(_package(service)).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((f"opsuite_{service}", *parts))


def _runtime_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``node`` except the bodies of ``if TYPE_CHECKING:`` (names for the type checker only)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            yield from (n for orelse in child.orelse for n in (orelse, *_runtime_nodes(orelse)))
            continue
        yield child
        yield from _runtime_nodes(child)


def _imports(path: Path, service: str, *, runtime_only: bool = False) -> set[str]:
    """The absolute names of the modules ``path`` imports (relative imports resolved)."""
    tree = _tree(path)
    nodes = _runtime_nodes(tree) if runtime_only else ast.walk(tree)
    package = _module_name(path, service).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _starts(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in prefixes)


def _shape(service: str) -> set[str]:
    return {
        p.name + ("/" if p.is_dir() else "")
        for p in _package(service).iterdir()
        if p.name != "__pycache__" and not p.name.startswith(".")
    }


def test_the_three_services_have_the_same_top_level_shape() -> None:
    shapes = {service: _shape(service) for service in SERVICES}
    for service, shape in shapes.items():
        assert shape == TOP_LEVEL, (
            f"opsuite_{service}: unexpected {sorted(shape - TOP_LEVEL)}, missing {sorted(TOP_LEVEL - shape)}"
        )


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_named_places(service: str) -> None:
    package = _package(service)
    missing = [place for place in REQUIRED if not (package / place).is_file()]
    assert not missing, f"opsuite_{service} lacks {missing}"
    assert (package / "db" / "migrations" / "versions").is_dir()


def test_no_method_is_named_list() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{item.lineno} {node.name}.list"
        for service in SERVICES
        for path in _modules(_package(service))
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.ClassDef)
        for item in node.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name == "list"
    ]
    assert not offenders, f"a method named list shadows the builtin in its class; say what it lists: {offenders}"


@pytest.mark.parametrize("service", SERVICES)
def test_servicers_never_touch_the_database(service: str) -> None:
    forbidden = (f"opsuite_{service}.db", "opsuite_common.db", "sqlalchemy")
    offenders = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(_package(service) / "servicers")
        for name in _imports(path, service, runtime_only=True)
        if _starts(name, forbidden) and not _starts(name.rpartition(".")[0], forbidden)
    }
    assert not offenders, f"servicers call use cases in app/, never the database: {sorted(offenders)}"


@pytest.mark.parametrize("service", SERVICES)
def test_domain_never_imports_the_outer_layers(service: str) -> None:
    outer = tuple(f"opsuite_{service}.{layer}" for layer in ("adapters", "db", "app", "servicers", "server", "main"))
    offenders = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(_package(service) / "domain")
        for name in _imports(path, service)
        if _starts(name, outer)
    }
    assert not offenders, f"domain modules are pure: {sorted(offenders)}"


@pytest.mark.parametrize("service", SERVICES)
def test_app_holds_no_outbound_client(service: str) -> None:
    clients = (
        "httpx",
        "smtplib",
        "openai",
        "opsuite_common.client",
        "opsuite.apimanager",
        "opsuite.cep",
        "opsuite.ops",
    )
    offenders = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(_package(service) / "app")
        for name in _imports(path, service)
        if _starts(name, clients)
    }
    assert not offenders, f"outbound I/O belongs in adapters/: {sorted(offenders)}"


def _calls(path: Path, function: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Call) and function in (getattr(node.func, "id", None), getattr(node.func, "attr", None))
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_run_from_the_wiring_only(service: str) -> None:
    package = _package(service)
    callers = {str(path.relative_to(package)) for path in _modules(package) if _calls(path, "run_migrations")}
    assert callers == {"app/wiring.py"}, f"opsuite_{service}: migrations run from {sorted(callers)}"


def test_no_module_is_over_500_lines() -> None:
    offenders = {
        str(path.relative_to(ROOT)): lines
        for top in ("libs", "services")
        for path in _modules(ROOT / top)
        if GENERATED not in path.parents and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not offenders, f"split these modules (over {MAX_LINES} lines): {offenders}"
