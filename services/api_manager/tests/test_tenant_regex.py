"""A tenant's parameter-schema regexes run on RE2: a crafted pattern cannot stall the service.

With Python's ``re`` (what jsonschema uses), ``^(a+)+$`` against 40 ``a`` and a ``!`` backtracks for
hours on the event loop, so the first test would not end (pytest-timeout fails it); on RE2 it is one
linear pass. Patterns RE2 refuses are INVALID_ARGUMENT at save, naming the field.
"""

from __future__ import annotations

from typing import Any

import pytest

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite_api_manager.domain.params import ParamSchema
from opsuite_common.errors import FailedPreconditionError, ValidationError

EVIL = "^(a+)+$"


def _sql(c: Any, name: str, param_schema: dict[str, Any]) -> pb.ApiDefinition:
    return c.api_def(
        name,
        kind=pb.SQL,
        sql=pb.SqlSpec(data_source="reports", statement="SELECT id FROM items WHERE name = :name"),
        param_schema=param_schema,
    )


async def test_a_backtracking_pattern_on_a_hostile_value_is_a_quick_refusal(client, sqlite_source):
    c = client
    await c.data_source("reports", sqlite_source)
    await c.create(_sql(c, "by_name", c.schema({"name": {"type": "string", "pattern": EVIL}}, ["name"])))
    err = await c.error(c.execute("by_name", {"name": "a" * 40 + "!"}))
    assert isinstance(err, ValidationError), err
    assert [v.field for v in err.field_violations] == ["params.name"], err.field_violations
    # The same pattern still accepts what it describes.
    assert c.rows(await c.execute("by_name", {"name": "aaaa"})) == []


async def test_pattern_properties_and_additional_properties_run_on_re2(lite, sqlite_source):
    c = lite
    await c.data_source("reports", sqlite_source)
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "patternProperties": {"^(x+)+$": {"type": "integer"}},
        "additionalProperties": False,
    }
    await c.create(_sql(c, "loose", schema))
    hostile = {"name": "n", "x" * 40 + "!": 1}
    err = await c.error(c.execute("loose", hostile))
    assert isinstance(err, ValidationError)
    assert any("x" * 40 in v.field for v in err.field_violations), err.field_violations
    assert c.rows(await c.execute("loose", {"name": "n", "xxx": 2})) == []
    err = await c.error(c.execute("loose", {"name": "n", "xxx": "not a number"}))
    assert isinstance(err, ValidationError)


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ({"name": {"type": "string", "pattern": "(?<=a)b"}}, "api.param_schema.properties.name.pattern"),
        ({"name": {"type": "string", "pattern": r"(\w)\1"}}, "api.param_schema.properties.name.pattern"),
    ],
)
async def test_a_pattern_re2_refuses_is_invalid_argument_at_save(lite, sqlite_source, schema, field):
    c = lite
    await c.data_source("reports", sqlite_source)
    err = await c.error(c.create(_sql(c, "refused", c.schema(schema))))
    assert isinstance(err, ValidationError), err
    assert field in [v.field for v in err.field_violations], err.field_violations
    assert "RE2" in err.field_violations[0].description


async def test_unevaluated_properties_beside_pattern_properties_is_refused(lite, sqlite_source):
    c = lite
    await c.data_source("reports", sqlite_source)
    schema = {"type": "object", "patternProperties": {"^x": {"type": "integer"}}, "unevaluatedProperties": False}
    err = await c.error(c.create(_sql(c, "uneval", schema)))
    assert isinstance(err, ValidationError)
    assert "api.param_schema.unevaluatedProperties" in [v.field for v in err.field_violations]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"name": {"type": "string", "pattern": "(?<=a)b"}}},
        {"type": "object", "patternProperties": {"^(x+)+$": {}}, "unevaluatedProperties": False},
    ],
)
def test_a_schema_stored_before_the_save_check_is_the_apis_fault_not_the_callers(schema: dict[str, Any]) -> None:
    # Stored before patterns were checked at save: no call can be checked against it (and jsonschema would
    # match the second with Python's backtracking re), so every call is FAILED_PRECONDITION naming the field.
    with pytest.raises(FailedPreconditionError) as info:
        ParamSchema(schema).validate({"name": "b", "x" * 40 + "!": 1})
    assert info.value.reason == "PARAMETER_SCHEMA_UNSUPPORTED"
    assert "parameter_schema." in info.value.message and "update the API" in info.value.message
