"""The README is correct (issue 16, item 6): every fenced block is valid, and the shell blocks marked
runnable run as written against a stack started the way ``./dev up`` starts it.

**The marker.** A fenced block whose info string carries the word ``runnable`` after its language::

    ```bash runnable
    .venv/bin/grpcurl -plaintext 127.0.0.1:50051 list
    ```

GitHub highlights by the first word only, so the marker does not show. ``bash`` and ``sh`` blocks run whole;
in a ``console`` block only the commands run: the lines after ``$ `` (with the lines that continue them, as
long as the command is incomplete: an open quote or a trailing backslash). The rest of a console block is the
output it showed, which is not compared (ids and times differ on every run).

**How they run.** In document order, in one bash session (``set -euo pipefail``, and ``-E`` for the trap
below), from a copy of the repository's root whose ``.run/`` is the stack's run folder (every other entry is
a link to the real tree, so ``./dev token``, ``.venv/bin/...``, ``demo/`` and ``.run/...`` mean what they
mean to a user), with no ``OPSUITE_*`` or ``OTEL_*`` variable of the test's own and the virtualenv not on
``PATH``. The stack is ``tools/devstack.py`` (what ``./dev up`` runs) on free ports below the ephemeral
range, with the demo seeded; the session first runs the ``export`` lines of its banner, as the README asks,
so ``$TOKEN``, the CLI's targets and ``OPSUITE_DEMO_*`` are set. The only rewrite: the default ports in the
blocks (``127.0.0.1:50051``/``50052``/``50053``) become the stack's. A block has its own timeout; background
jobs it starts (``opsuite alerts watch &``) are stopped when it ends. Only loopback is reached. A command
that is shown failing on purpose ends with ``|| true`` (grpcurl exits with 64 + the gRPC code).

A failure names the block's README line, the failing command and its line (from an ``ERR`` trap; the block
is written to a file padded so that bash's line numbers are the README's), and the block's output; each
block's output is also kept next to its script under the test's ``tmp_path``/``blocks``.

The stack is the test's own, not the shared ``stack`` fixture (tests/conftest.py): the README needs the
demo tenant as ``./dev up`` leaves it (the worked example publishes the scenario into it and reads the
status page), a ``.run/`` in the working folder (``./dev token`` reads ``.run/jwt-secret``; data sources
live in ``.run/data_sources/<tenant>``), and the banner's exports. Starting it takes a few seconds.

**Not marked** (they cannot run here, or not inside a test):

* ``./dev up`` in the foreground, with ``--tls`` or an OTLP endpoint: it runs until Ctrl-C (the test starts
  its own stack instead); the ``--tls`` client commands need that TLS stack (``tests/test_tls_stack.py``
  covers them);
* ``./dev test``: the suite this test is part of;
* ``docker compose up`` (no Docker engine here) and the ``compose_secrets.py`` line in the same block (it
  writes ``.secrets/`` into the real tree);
* blocks that are not commands: ``text``, ``json`` and ``yaml`` (checked for validity only).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from opsuite_common.testing.eventually import eventually_sync
from opsuite_common.testing.processes import free_base_port

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARKER = "runnable"
SHELL_LANGUAGES = {"bash", "sh", "console"}
LANGUAGES = SHELL_LANGUAGES | {"json", "yaml", "text"}
#: The README's default ports, by the offset ``./dev up --base-port`` gives each service.
DEFAULT_PORTS = {50051: 0, 50052: 1, 50053: 2}
BLOCK_TIMEOUT_S = 60.0
#: What ``./dev`` hashes to decide whether the virtualenv is current (its ``stamp``).
VENV_STAMP_FILES = [
    "requirements.lock",
    *(f"{p}/pyproject.toml" for p in ("libs/contracts", "libs/common", "libs/cli")),
    *(f"services/{s}/pyproject.toml" for s in ("api_manager", "cep", "ops")),
]


@dataclass(frozen=True)
class Fence:
    """One fenced block of the README."""

    line: int  # 1-based line of the opening fence
    info: str
    content: str
    closed: bool

    @property
    def language(self) -> str:
        """The info string's first word (what GitHub highlights by)."""
        return self.info.split()[0] if self.info.split() else ""

    @property
    def runnable(self) -> bool:
        """Whether the info string carries the marker after the language."""
        return MARKER in self.info.split()[1:]

    def script(self) -> str:
        """The commands, each on its README line (the others blank), so bash's line numbers are the README's."""
        lines = self.content.splitlines()
        if self.language != "console":
            return "\n" * self.line + "\n".join(lines) + "\n"
        out = [""] * (self.line + len(lines))
        for i, command in console_commands(lines):
            for j, text in enumerate(command):
                out[self.line + i + j] = text
        return "\n".join(out) + "\n"


def fences(text: str) -> list[Fence]:
    """The fenced blocks of a Markdown text, parsed by markdown-it (CommonMark)."""
    lines = text.splitlines()
    out = []
    for token in MarkdownIt("commonmark").parse(text):
        if token.type != "fence" or token.map is None:
            continue
        start, end = token.map
        last = lines[end - 1].strip() if end - 1 > start else ""
        closed = last.startswith(token.markup) and set(last) == {token.markup[0]}
        out.append(Fence(start + 1, token.info.strip(), token.content, closed))
    return out


def _incomplete(command: str) -> bool:
    """Whether bash would read more lines to finish ``command`` (an open quote, a trailing backslash or
    ``|``, an unfinished loop)."""
    if command.rstrip().endswith("\\"):
        return True
    check = subprocess.run(["bash", "-n"], input=command, capture_output=True, text=True, timeout=10)
    return check.returncode != 0 and ("unexpected EOF" in check.stderr or "unexpected end of file" in check.stderr)


def console_commands(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """The commands of a console block: (index of the ``$`` line, the command's lines without the prompt)."""
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            i += 1
            continue
        command = [lines[i][2:]]
        while _incomplete("\n".join(command)) and i + len(command) < len(lines):
            command.append(lines[i + len(command)])
        yield i, command
        i += len(command)


# ------------------------------------------------------------------------------------------ validity


def test_every_fence_is_closed_has_a_language_and_is_valid():
    blocks = fences(README.read_text())
    assert len(blocks) >= 20, "the README's fenced blocks were not found"
    problems = []
    for b in blocks:
        where = f"README.md:{b.line} ({b.info or 'no language'})"
        if not b.closed:
            problems.append(f"{where}: the fence is not closed")
        if b.language not in LANGUAGES:
            problems.append(f"{where}: a fence needs a language, one of {sorted(LANGUAGES)}")
        if b.runnable and b.language not in SHELL_LANGUAGES:
            problems.append(f"{where}: only {sorted(SHELL_LANGUAGES)} blocks can be {MARKER}")
        try:
            if b.language == "json":
                json.loads(b.content)
            elif b.language == "yaml":
                list(yaml.safe_load_all(b.content))
        except (ValueError, yaml.YAMLError) as exc:
            problems.append(f"{where}: not valid {b.language}: {exc}")
        if b.language in SHELL_LANGUAGES:
            if b.language == "console" and not any(True for _ in console_commands(b.content.splitlines())):
                problems.append(f"{where}: a console block shows at least one `$ ` command")
            syntax = subprocess.run(["bash", "-n"], input=b.script(), capture_output=True, text=True, timeout=10)
            if syntax.returncode != 0:
                problems.append(f"{where}: bash -n: {syntax.stderr.strip()}")
    assert not problems, "\n".join(problems)


def test_a_broken_fence_is_seen():
    # A closing fence one backtick short: the block runs on to the next block's end, and that block's closing
    # fence opens a block with no language that is never closed.
    text = "```bash\n./dev up\n``\n\n## grpcurl\n\n```bash\nls\n```\n\ntext\n```\n"
    found = fences(text)
    assert [(f.line, f.language, f.closed) for f in found] == [(1, "bash", True), (12, "", False)]
    assert "## grpcurl" in found[0].content  # the heading rendered as code, as issue 16 saw it


def test_console_commands_are_read_with_their_continuation_lines():
    lines = [
        "$ echo 'one",
        "  two' \\",
        "    three",
        "one",
        "  two three",
        "# a comment shown as output",
        "$ true |",
        "    cat",
    ]
    assert list(console_commands(lines)) == [(0, ["echo 'one", *lines[1:3]]), (6, ["true |", "    cat"])]


# ------------------------------------------------------------------------------------------ the stack


def _venv_is_current() -> bool:
    """Whether ``./dev`` would use the virtualenv as it is (else ``./dev token`` would reinstall it)."""
    stamp = ROOT / ".venv" / ".opsuite-stamp"
    data = b"".join((ROOT / f).read_bytes() for f in VENV_STAMP_FILES)
    return stamp.exists() and stamp.read_text().strip() == hashlib.sha256(data).hexdigest()


def _user_env() -> dict[str, str]:
    """The test's environment as a user's shell would have it: no opsuite or OpenTelemetry settings, and the
    virtualenv not on PATH (the README names ``.venv/bin/...``)."""
    venv_bin = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPSUITE_", "OTEL_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p and p != venv_bin)
    return env


def _work_tree(tmp: Path) -> Path:
    """A copy of the repository's root made of links, with a ``.run/`` of its own."""
    work = tmp / "repo"
    work.mkdir()
    for entry in ROOT.iterdir():
        if entry.name != ".run":
            (work / entry.name).symlink_to(entry)
    return work


@contextlib.contextmanager
def _dev_up(work: Path, base: int, env: dict[str, str], log: Path) -> Iterator[str]:
    """``./dev up --base-port base`` in ``work`` (its ``.run/``) until the block ends; yields the banner."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "tools/devstack.py", "--run-dir", ".run", "--base-port", str(base)],
            cwd=work,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:

        def banner() -> str:
            text = log.read_text()
            assert proc.poll() is None, f"./dev up exited:\n{text[-3000:]}"
            return text if "Ctrl-C stops everything." in text else ""

        text = eventually_sync(banner, timeout=120, interval=0.2, what="the banner of ./dev up")
        assert "demo seeding failed" not in text, text
        yield text
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ------------------------------------------------------------------------------------------ the shell


@dataclass(frozen=True)
class Outcome:
    """How one block ended: ``ok``, else the failing command (``ERR`` trap) and why."""

    ok: bool
    output: str
    failure: str = ""


class Session:
    """One bash session fed block by block; ``set -euo pipefail`` ends it at a block's first failure (``-E``
    as well, so that the ``ERR`` trap that names the failing command also fires inside functions)."""

    def __init__(self, cwd: Path, env: dict[str, str], scripts: Path) -> None:
        self.scripts = scripts
        self.done = f"__README_BLOCK_DONE_{uuid.uuid4().hex}__"
        self.failed = f"__README_BLOCK_FAILED_{uuid.uuid4().hex}__"
        self.proc = subprocess.Popen(
            ["bash", "--noprofile", "--norc"],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its background jobs too: stopped together at the end
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self._send(
            # -E: a command failing inside a function (the README's grpcurl wrapper) is reported too.
            "set -eEuo pipefail\n"
            'trap \'__rc=$?; printf "\\n%s exit %s, line %s%s: %s\\n" '
            f'{self.failed} "$__rc" "$LINENO" '
            '"${FUNCNAME:+ (in ${FUNCNAME[0]}, called at line ${BASH_LINENO[0]})}" "$BASH_COMMAND" >&2\' ERR\n'
            # A block's background jobs (a watch started with &) end with it.
            '__readme_stop_jobs() { local p; p=$(jobs -p); if [ -n "$p" ]; then '
            "kill $p 2>/dev/null || true; wait $p 2>/dev/null || true; fi; }\n"
        )

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for raw in iter(self.proc.stdout.readline, b""):
            self.lines.put(raw.decode(errors="replace"))
        self.lines.put(None)

    def _send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def run(self, name: str, script: str, timeout: float = BLOCK_TIMEOUT_S) -> Outcome:
        """Run ``script`` (sourced from a file, stdin from /dev/null) and wait for it to end."""
        path = self.scripts / name
        path.write_text(script)
        self._send(f"source {path} </dev/null\n__readme_stop_jobs\nprintf '\\n%s\\n' {self.done}\n")
        output: list[str] = []
        deadline = time.monotonic() + timeout
        exited_at: float | None = None
        while True:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                line = ""
            if line is None:
                return self._failed(output, "the shell ended")
            if line.strip() == self.done:
                return Outcome(True, "".join(output))
            output.append(line)
            now = time.monotonic()
            if exited_at is None and self.proc.poll() is not None:
                exited_at = now  # a background job may still hold the pipe: read what is there, briefly
            if exited_at is not None and now - exited_at > 1.0:
                return self._failed(output, f"the shell exited with code {self.proc.returncode}")
            if now > deadline:
                return self._failed(output, f"no end after {timeout:.0f}s")

    def _failed(self, output: list[str], why: str) -> Outcome:
        text = "".join(output)
        trapped = [ln for ln in text.splitlines() if ln.startswith(self.failed)]
        failure = trapped[-1].removeprefix(self.failed).strip() if trapped else why
        return Outcome(False, text.replace(self.failed, "").rstrip(), failure)

    def close(self) -> None:
        """Stop the shell and whatever it left running."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        assert self.proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self.proc.stdin.close()


def _on_ports(script: str, base: int) -> str:
    """The script with the README's default ports replaced by the stack's."""
    return re.sub(r"127\.0\.0\.1:(5005[123])\b", lambda m: f"127.0.0.1:{base + DEFAULT_PORTS[int(m.group(1))]}", script)


@pytest.mark.timeout(400)
def test_the_readmes_runnable_blocks_run_against_a_started_stack(tmp_path):
    blocks = [b for b in fences(README.read_text()) if b.runnable]
    assert len(blocks) >= 9, f"only {len(blocks)} blocks are marked {MARKER}"
    assert _venv_is_current(), "the virtualenv is not current: ./dev token in the README would reinstall it"
    work, base, env = _work_tree(tmp_path), free_base_port(20000, 24000), _user_env()
    scripts = tmp_path / "blocks"
    scripts.mkdir()
    with _dev_up(work, base, env, tmp_path / "dev-up.log") as banner:
        exports = [ln.strip() for ln in banner.splitlines() if ln.strip().startswith("export ")]
        assert any(e.startswith("export TOKEN=") for e in exports), banner
        session = Session(work, env, scripts)
        try:
            start = session.run("banner-exports.sh", "\n".join(exports) + "\n")
            assert start.ok, f"the banner's export lines failed: {start.failure}\n{start.output}"
            for block in blocks:
                outcome = session.run(f"README-{block.line}.sh", _on_ports(block.script(), base))
                (scripts / f"README-{block.line}.out").write_text(outcome.output)  # kept for a look afterwards
                if not outcome.ok:
                    pytest.fail(
                        f"README.md:{block.line} ({block.info}) failed: {outcome.failure}\n"
                        f"--- the block ---\n{block.content}--- its output (last 4000 characters) ---\n"
                        f"{outcome.output[-4000:]}",
                        pytrace=False,
                    )
        finally:
            session.close()
