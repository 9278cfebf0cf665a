"""Save-time validation: every problem is reported, each at the field a person has to fix."""

from __future__ import annotations

import pytest

from opsuite_api_manager.domain.workflow import OnErrorMode, parse_workflow, validate_workflow
from opsuite_common.errors import FieldViolation, ValidationError

KNOWN = {"echo", "sleep", "lookup"}


def check(spec, *, max_steps=50, max_depth=20):
    return validate_workflow(spec, KNOWN.__contains__, max_steps, max_depth)


def violations(spec, **kw) -> list[FieldViolation]:
    with pytest.raises(ValidationError) as info:
        check(spec, **kw)
    assert info.value.reason == "VALIDATION_FAILED"
    return info.value.field_violations


def one(spec, field: str, words: str, **kw) -> None:
    found = violations(spec, **kw)
    assert [v.field for v in found] == [field], found
    assert words in found[0].description, found[0].description


def test_a_valid_spec_parses_with_inferred_dependencies_and_defaults():
    spec = check(
        {
            "steps": [
                {"id": "a", "api": "echo", "input": {"x": "$params.x"}},
                {"id": "b", "api": "echo", "input": {"y": "{{steps.a.output.x}}"}},
                {"id": "c", "api": "echo", "depends_on": ["a"], "when": "steps.b.output.y", "on_error": "continue"},
                {
                    "id": "d",
                    "api": "lookup",
                    "retry": {"attempts": 3, "backoff_s": 0.1},
                    "timeout_s": 2,
                    "on_error": {"fallback": "e"},
                },
                {"id": "e", "api": "echo"},
            ],
            "output": {"c": "$steps.c.output"},
        }
    )
    assert spec.step("b").depends_on == {"a"}
    assert spec.step("c").depends_on == {"a", "b"}
    assert spec.step("a").on_error.mode is OnErrorMode.FAIL
    assert spec.step("c").on_error.mode is OnErrorMode.CONTINUE
    assert spec.step("d").retry.attempts == 3
    assert spec.step("d").timeout_s == 2.0
    assert spec.fallback_only == {"e"}
    assert spec.api_names == {"echo", "lookup"}


def test_duplicate_ids():
    one(
        {"steps": [{"id": "a", "api": "echo"}, {"id": "a", "api": "echo"}]}, "spec.steps[1].id", "duplicate step id 'a'"
    )


def test_unknown_step_in_depends_on():
    one(
        {
            "steps": [
                {"id": "a", "api": "echo"},
                {"id": "b", "api": "echo"},
                {"id": "c", "api": "echo", "depends_on": ["a", "x"]},
            ]
        },
        "spec.steps[2].depends_on",
        "unknown step 'x'",
    )


def test_unknown_step_in_a_mapping_is_reported_at_the_mapping_path():
    one(
        {"steps": [{"id": "a", "api": "echo", "input": {"q": {"ids": ["$params.x", "$steps.zz.output.id"]}}}]},
        "spec.steps[0].input.q.ids[1]",
        "unknown step 'zz'",
    )


def test_unknown_step_in_when_and_output():
    found = violations(
        {"steps": [{"id": "a", "api": "echo", "when": "steps.q.status == 'SUCCEEDED'"}], "output": "$steps.r.output"}
    )
    assert {(v.field, v.description) for v in found} == {
        ("spec.steps[0].when", "unknown step 'q'"),
        ("spec.output", "unknown step 'r'"),
    }


def test_unknown_fallback_and_fallback_to_itself():
    found = violations(
        {
            "steps": [
                {"id": "a", "api": "echo", "on_error": {"fallback": "a"}},
                {"id": "b", "api": "echo", "on_error": {"fallback": "nope"}},
            ]
        }
    )
    assert [(v.field, v.description.split(";")[0]) for v in found] == [
        ("spec.steps[0].on_error.fallback", "a step cannot be its own fallback"),
        ("spec.steps[1].on_error.fallback", "unknown step 'nope'"),
    ]


def test_a_cycle_is_named_once_at_its_first_step():
    one(
        {
            "steps": [
                {"id": "start", "api": "echo"},
                {"id": "a", "api": "echo", "input": {"v": "$steps.c.output"}},
                {"id": "b", "api": "echo", "depends_on": ["a", "start"]},
                {"id": "c", "api": "echo", "depends_on": ["b"]},
            ]
        },
        "spec.steps[1].depends_on",
        "dependency cycle: a -> c -> b -> a",
    )


def test_self_dependency():
    one(
        {"steps": [{"id": "a", "api": "echo", "depends_on": ["a"]}]},
        "spec.steps[0].depends_on",
        "cannot depend on itself",
    )


def test_a_cycle_through_a_fallback_is_found():
    found = violations(
        {
            "steps": [
                {"id": "a", "api": "echo", "on_error": {"fallback": "f"}},
                {"id": "b", "api": "echo", "depends_on": ["a"]},
                {"id": "f", "api": "echo", "depends_on": ["b"]},
            ]
        }
    )
    assert [(v.field, v.description) for v in found] == [
        ("spec.steps[0].depends_on", "dependency cycle: a -> f -> b -> a")
    ]


def test_a_fallback_may_read_the_failure_it_replaces_but_others_may_not_read_the_fallback():
    ok = check(
        {
            "steps": [
                {"id": "a", "api": "echo", "on_error": {"fallback": "f"}},
                {"id": "f", "api": "echo", "input": {"why": "$steps.a.error.message"}},
            ]
        }
    )
    assert ok.step("f").depends_on == frozenset()
    one(
        {
            "steps": [
                {"id": "a", "api": "echo", "on_error": {"fallback": "f"}},
                {"id": "f", "api": "echo"},
                {"id": "g", "api": "echo", "input": {"v": "$steps.f.output"}},
            ]
        },
        "spec.steps[2].input.v",
        "only runs as the fallback of a",
    )


def test_unknown_api():
    one(
        {"steps": [{"id": "a", "api": "echo"}, {"id": "b", "api": "nowhere"}]},
        "spec.steps[1].api",
        "unknown API 'nowhere'",
    )


def test_invalid_jmespath_in_input_and_when():
    found = violations({"steps": [{"id": "a", "api": "echo", "input": {"x": "$params.[x"}, "when": "params.x >"}]})
    assert [v.field for v in found] == ["spec.steps[0].input.x", "spec.steps[0].when"]
    assert all("invalid JMESPath expression" in v.description for v in found)


def test_too_many_steps_and_too_deep():
    chain = [{"id": f"s{i}", "api": "echo", "depends_on": [f"s{i - 1}"] if i else []} for i in range(6)]
    one({"steps": chain}, "spec.steps", "too many steps: 6 (limit 5)", max_steps=5)
    one({"steps": chain}, "spec.steps", "dependency chain too deep: 6 steps", max_depth=5)


def test_malformed_fields_are_each_reported():
    found = violations(
        {
            "steps": [
                {
                    "id": "bad id!",
                    "api": "",
                    "input": [1],
                    "depends_on": "a",
                    "retry": {"attempts": 0, "backoff_s": -1, "jitter": 1},
                    "timeout_s": 0,
                    "on_error": "explode",
                    "dependson": ["x"],
                },
                "not a step",
            ],
            "outputs": {},
        }
    )
    assert sorted(v.field for v in found) == sorted(
        [
            "spec.outputs",
            "spec.steps[0].dependson",
            "spec.steps[0].id",
            "spec.steps[0].api",
            "spec.steps[0].depends_on",
            "spec.steps[0].input",
            "spec.steps[0].retry.jitter",
            "spec.steps[0].retry.attempts",
            "spec.steps[0].retry.backoff_s",
            "spec.steps[0].timeout_s",
            "spec.steps[0].on_error",
            "spec.steps[1]",
        ]
    )


def test_all_problems_are_gathered_into_one_error():
    found = violations(
        {
            "steps": [
                {"id": "a", "api": "ghost", "depends_on": ["zz"]},
                {"id": "a", "api": "echo"},
                {"id": "c", "api": "echo", "input": {"x": "$steps..x"}, "on_error": {"fallback": "c"}},
            ]
        }
    )
    assert {v.field for v in found} == {
        "spec.steps[0].api",
        "spec.steps[0].depends_on",
        "spec.steps[1].id",
        "spec.steps[2].input.x",
        "spec.steps[2].on_error.fallback",
    }


def test_empty_or_non_object_specs():
    one({"steps": []}, "spec.steps", "non-empty list")
    with pytest.raises(ValidationError) as info:
        parse_workflow(["steps"], field_prefix="api.workflow")
    assert info.value.field_violations[0].field == "api.workflow"
