"""Generate the committed Python stubs (with .pyi) from protos/ into libs/contracts/src.

Usage: ./dev protos            regenerate in place
       ./dev protos --check    regenerate into a temporary folder; exit 1 and list differences on any diff

The generator versions are pinned by requirements.lock (grpcio-tools, mypy-protobuf), so the output is
reproducible; tests/test_contracts.py runs --check.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import grpc_tools

ROOT = Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
OUT = ROOT / "libs" / "contracts" / "src"
PACKAGE = "opsuite"


def generate(dest: Path) -> None:
    """Run protoc (+ mypy-protobuf) over every .proto under protos/ into ``dest``."""
    files = sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))
    bindir = Path(sys.executable).parent
    cmd = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        f"-I{PROTOS}",
        f"-I{Path(grpc_tools.__file__).parent / '_proto'}",
        f"--python_out={dest}",
        f"--grpc_python_out={dest}",
        f"--plugin=protoc-gen-mypy={bindir / 'protoc-gen-mypy'}",
        f"--plugin=protoc-gen-mypy_grpc={bindir / 'protoc-gen-mypy_grpc'}",
        f"--mypy_out={dest}",
        f"--mypy_grpc_out={dest}",
        "--mypy_opt=quiet",
        "--mypy_grpc_opt=quiet",
        *files,
    ]
    subprocess.run(cmd, check=True, cwd=PROTOS)
    pkg = dest / PACKAGE
    for d in [pkg, *[p for p in pkg.rglob("*") if p.is_dir() and p.name != "__pycache__"]]:
        init = d / "__init__.py"
        if not init.exists():
            init.write_text("")
    (pkg / "py.typed").write_text("")


def tree(root: Path) -> set[str]:
    """Relative paths of generated files under ``root/opsuite``."""
    return {
        str(p.relative_to(root)) for p in (root / PACKAGE).rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }


def main() -> int:
    """Regenerate, or with --check compare against the committed output."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed stubs are stale")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        generate(tmpdir)
        if args.check:
            new, old = tree(tmpdir), tree(OUT) if (OUT / PACKAGE).exists() else set()
            diff = sorted(new ^ old) + sorted(
                f for f in new & old if not filecmp.cmp(tmpdir / f, OUT / f, shallow=False)
            )
            if diff:
                print("generated stubs are stale; run ./dev protos. Differences:", *diff, sep="\n  ")
                return 1
            print(f"stubs up to date ({len(new)} files)")
            return 0
        # Sync file by file (changed files replaced atomically, stale ones removed) so that a
        # concurrent import never sees a half-written package.
        new = tree(tmpdir)
        old = tree(OUT) if (OUT / PACKAGE).exists() else set()
        changed = 0
        for rel in sorted(new):
            src, dst = tmpdir / rel, OUT / rel
            if dst.exists() and filecmp.cmp(src, dst, shallow=False):
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            tmp_dst = dst.with_name(dst.name + ".tmp")
            shutil.copyfile(src, tmp_dst)
            tmp_dst.replace(dst)
            changed += 1
        for rel in sorted(old - new):
            (OUT / rel).unlink()
        print(f"{changed} changed, {len(old - new)} removed, {len(new)} files in {OUT.relative_to(ROOT)}/{PACKAGE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
