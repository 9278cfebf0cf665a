"""CLI behaviour that needs no server: document loading, ordering, env expansion, what a person types, and
errors as one line on stderr (usage errors, bad values, a service that is down, no token)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opsuite_cli.documents import load_documents
from opsuite_cli.main import app
from opsuite_cli.output import error_line
from opsuite_cli.parsing import parse_duration, parse_matcher, parse_time
from opsuite_common.errors import FieldViolation, ValidationError
from opsuite_common.testing.processes import free_port

ROOT = Path(__file__).resolve().parents[3]


def test_demo_folder_loads_in_dependency_order(monkeypatch):
    monkeypatch.setenv("OPSUITE_DEMO_DIR", "/tmp/demo")
    monkeypatch.setenv("OPSUITE_DEMO_STATUS_URL", "http://127.0.0.1:1")
    docs = load_documents(ROOT / "demo")
    kinds = [d.kind for d in docs]
    assert kinds.index("DataSource") < kinds.index("Api")
    assert docs[[d.name for d in docs].index("estate")].spec["url"] == "sqlite:////tmp/demo/estate.db"
    apis = [d for d in docs if d.kind == "Api"]
    assert apis[-1].spec["kind"] == "WORKFLOW"  # workflows after the APIs they call


def test_bad_documents_list_every_problem(tmp_path):
    (tmp_path / "a.yaml").write_text("kind: Api\nname: x\n---\nkind: Nope\nname: y\nspec: {}\n---\n- just a list\n")
    with pytest.raises(ValidationError) as info:
        load_documents(tmp_path)
    fields = [v.field for v in info.value.field_violations]
    assert fields == ["a.yaml[0]", "a.yaml[1].kind", "a.yaml[2]"]


def test_apply_error_output_is_for_people_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.delenv("OPSUITE_MISSING_VAR", raising=False)
    (tmp_path / "ds.yaml").write_text("kind: DataSource\nname: d\nspec: {url: '${OPSUITE_MISSING_VAR}'}\n")
    result = CliRunner().invoke(app, ["--token", "x", "apply", "-f", str(tmp_path)])
    assert result.exit_code == 1
    out = result.output
    assert "Error: INVALID_ARGUMENT (VALIDATION_FAILED)" in out
    assert "ds.yaml[0].spec.url" in out and "OPSUITE_MISSING_VAR is not set" in out
    assert "Traceback" not in out


def _stderr_line(args: list[str]) -> tuple[int, str, str]:
    """Exit code, stdout and the single line on stderr (asserting there is exactly one)."""
    result = CliRunner().invoke(app, args, prog_name="opsuite")
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, lines[0]


def test_a_bad_choice_is_a_one_line_usage_error():
    code, out, line = _stderr_line(["--token", "x", "ask", "--mode", "bogus", "what is up"])
    assert code == 2 and out == ""
    assert line == (
        "Error: Invalid value for '--mode': 'bogus' is not one of 'all', 'config', 'metric', 'history', 'graph', "
        "'document'. (see 'opsuite ask --help')"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["alerts", "list", "--bogus"], "Error: No such option: --bogus (see 'opsuite alerts list --help')"),
        (["alerts", "ack"], "Error: Missing argument 'ALERT_ID...'. (see 'opsuite alerts ack --help')"),
        (["runs", "list", "--status", "won"], "Error: Invalid value for '--status': 'won' is not one of"),
        (["get", "api", "-o", "yaml"], "Error: Invalid value for '-o' / '--output': 'yaml' is not one of"),
    ],
)
def test_usage_errors_are_one_line_with_exit_code_2(args, expected):
    code, _, line = _stderr_line(["--token", "x", *args])
    assert code == 2 and line.startswith(expected), line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["execute", "x", "--params", "{bad"], "Error: INVALID_ARGUMENT (VALIDATION_FAILED): --params: not valid JSON"),
        (["execute", "x", "-p", "novalue"], "Error: INVALID_ARGUMENT (VALIDATION_FAILED): --param: 'novalue' must be"),
        (["alerts", "silence", "host=a", "-c", "why", "-d", "5x"], "--duration: '5x' is not a duration"),
        (["alerts", "silence", "host=a", "-c", "why"], "--duration: give either --duration or --until"),
        (["alerts", "silence", "host", "-c", "why", "-d", "1h"], "matchers: 'host' is not a matcher"),
        (["alerts", "silence", "host=a", "-c", " ", "-d", "1h"], "--comment: say why the alerts are silenced"),
        (["alerts", "list", "--since", "yesterday"], "--since: 'yesterday' is not a time"),
        (["alerts", "list", "--label", "host"], "--label: 'host' must be name=value"),
    ],
)
def test_bad_values_are_one_line_errors_before_any_call(args, expected):
    # The targets are unused ports: a value checked by the CLI fails before any connection is tried.
    code, out, line = _stderr_line(["--token", "x", "--cep", "127.0.0.1:1", "--api-manager", "127.0.0.1:1", *args])
    assert code == 1 and out == "" and expected in line, line


def test_a_stopped_service_is_one_line_naming_the_cause():
    port = free_port()  # nothing listens: the service is down
    for args, peer in (
        (["--cep", f"127.0.0.1:{port}", "alerts", "list"], "cep"),
        (["--ops", f"127.0.0.1:{port}", "runs", "get", "r1"], "ops"),
        (["--api-manager", f"127.0.0.1:{port}", "executions", "list"], "api_manager"),
        (["--ops", f"127.0.0.1:{port}", "ask", "what is up"], "ops"),
    ):
        code, out, line = _stderr_line(["--token", "x", *args])
        assert code == 1 and out == "", out
        assert line == (
            f"Error: UNAVAILABLE (SERVICE_UNAVAILABLE): {peer} unreachable: connection refused "
            f"(target=127.0.0.1:{port})"
        )


def test_no_token_is_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("OPSUITE_TOKEN", raising=False)
    monkeypatch.setenv("OPSUITE_DEV_SECRET_FILE", str(tmp_path / "absent"))
    code, _, line = _stderr_line(["--cep", "127.0.0.1:1", "alerts", "list"])
    assert code == 1 and line.startswith("Error: UNAUTHENTICATED (NO_TOKEN): no token: pass --token")


def test_one_error_line_holds_the_violations_retry_details_and_request_id():
    exc = ValidationError(
        "2 problem(s) in x",
        field_violations=[FieldViolation("a", "is\nbad"), FieldViolation("b", "too")],
        metadata={"request_id": "r-1", "dependency": "api:x"},
        retry_after=1.5,
    )
    assert error_line(exc) == (
        "Error: INVALID_ARGUMENT (VALIDATION_FAILED): 2 problem(s) in x: a: is bad; b: too (retry after 1.5s) "
        "(dependency=api:x) [request id: r-1]"
    )
    single = ValidationError.for_field("--since", "not a time")
    assert error_line(single) == "Error: INVALID_ARGUMENT (VALIDATION_FAILED): --since: not a time"


@pytest.mark.parametrize(
    ("text", "op", "name", "value"),
    [
        ("host=web-1", "=", "host", "web-1"),
        ("host!=web-1", "!=", "host", "web-1"),
        ('host=~"web-.*"', "=~", "host", "web-.*"),
        ("host!~web-0[12]", "!~", "host", "web-0[12]"),
        ("env=a=b", "=", "env", "a=b"),
        ("empty=", "=", "empty", ""),
    ],
)
def test_matchers(text, op, name, value):
    m = parse_matcher(text)
    assert (m.name, m.op, m.value) == (name, op, value)


def test_durations_and_times():
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert parse_duration("1h30m", "-d") == timedelta(minutes=90)
    assert parse_duration("90", "-d") == timedelta(seconds=90)
    assert parse_time("2h", "--since", now=now) == now - timedelta(hours=2)
    assert parse_time("2h", "--until", now=now, ahead=True) == now + timedelta(hours=2)
    assert parse_time("2026-05-01T10:00:00", "--since") == datetime(2026, 5, 1, 10, tzinfo=UTC)
    assert parse_time("2026-05-01T10:00:00+02:00", "--since") == datetime(2026, 5, 1, 8, tzinfo=UTC)
    with pytest.raises(ValidationError):
        parse_duration("0s", "-d")
