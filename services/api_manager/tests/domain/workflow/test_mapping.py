"""Mappings: JMESPath, templates and literals evaluated over the workflow context."""

from __future__ import annotations

from opsuite_api_manager.domain.workflow.mapping import compile_condition, compile_mapping

CONTEXT = {
    "params": {"n": 3, "name": "db", "flags": {"on": True}},
    "steps": {
        "a": {"output": {"rows": [{"id": 7}, {"id": 8}], "row_count": 2}, "status": "SUCCEEDED", "error": None},
        "b": {"output": None, "status": "FAILED", "error": {"reason": "NOT_FOUND", "message": "gone"}},
    },
}


def evaluate(value):
    node, problems = compile_mapping(value, "m")
    assert problems == []
    return node.evaluate(CONTEXT)


def test_jmespath_reads_params_and_step_outputs():
    assert evaluate("$params.n") == 3
    assert evaluate("$steps.a.output.rows[0].id") == 7
    assert evaluate("$steps.a.output.rows[*].id") == [7, 8]
    assert evaluate("$steps.b.error.reason") == "NOT_FOUND"
    assert evaluate("$params.absent") is None


def test_templates_render_text_and_keep_the_type_of_a_lone_placeholder():
    assert evaluate("host-{{params.n}}") == "host-3"
    assert evaluate("{{ params.n }}") == 3
    assert evaluate("id={{steps.a.output.rows.1.id}}/{{params.name}}") == "id=8/db"
    assert evaluate("flags={{params.flags}}") == 'flags={"on":true}'
    assert evaluate("missing=[{{params.nope}}]") == "missing=[]"


def test_literals_and_nested_structures_are_mapped_recursively():
    value = {"a": [1, "$params.n", {"b": "x-{{params.name}}"}], "c": None, "d": True, "e": "plain"}
    assert evaluate(value) == {"a": [1, 3, {"b": "x-db"}], "c": None, "d": True, "e": "plain"}


def test_double_dollar_escapes_a_literal_dollar():
    assert evaluate("$$params.n") == "$params.n"


def test_refs_name_the_steps_a_mapping_reads():
    node, _ = compile_mapping(
        {"x": "$steps.a.output", "y": ["{{steps.b.error}}", "$length(steps.c.output) > `0`"], "z": "$params.n"},
        "m",
    )
    assert node.refs == {"a", "b", "c"}


def test_relative_fields_inside_projections_are_not_step_references():
    node, problems = compile_mapping("$params.items[?steps > `1`].steps", "m")
    assert problems == []
    assert node.refs == frozenset()


def test_bad_expressions_are_reported_with_their_path():
    cases = {
        "$steps.a.": "invalid JMESPath",
        "$steps.*.output": "read a step by id",
        "$steps": "read a step by id",
        "$param.x": "unknown name 'param'",
        "$nope(params.x)": "unknown function nope()",
        "$length(params.x, params.y)": "length() takes 1 argument(s), got 2",
        "a {{params.x + 1}}": "must be a dotted lookup",
        "{{env.HOME}}": "must start with 'params' or 'steps'",
    }
    for source, expected in cases.items():
        _, problems = compile_mapping({"k": [source]}, "spec.output")
        assert len(problems) == 1, source
        assert problems[0].field == "spec.output.k[0]"
        assert expected in problems[0].description, (source, problems[0].description)


def test_conditions_use_jmespath_truthiness():
    def when(source):
        cond, problems = compile_condition(source, "w")
        assert problems == []
        return cond.evaluate(CONTEXT)

    assert when("steps.a.output.row_count > `0`") is True
    assert when("steps.a.output.row_count > `5`") is False
    assert when("$params.flags.on") is True
    assert when("steps.b.output") is False  # null is false
    assert when("`0`") is True  # JMESPath: 0 is true, only null/false/empty are false
    assert when("steps.b.status == 'FAILED'") is True
