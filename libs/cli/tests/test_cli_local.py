"""CLI behaviour that needs no server: document loading, ordering, env expansion, error output."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from opsuite_cli.documents import load_documents
from opsuite_cli.main import app
from opsuite_common.errors import ValidationError

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
