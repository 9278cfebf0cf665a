"""The annotation/channel template language: rendering, every function, and what the sandbox refuses."""

from __future__ import annotations

from typing import Any

import pytest

from opsuite_cep.domain import parse_rule
from opsuite_cep.domain.alerts import AlertTracker
from opsuite_cep.domain.results import IngestResult
from opsuite_cep.domain.templates import (
    CHANNEL_VARIABLES,
    FUNCTIONS,
    MAX_ACTIONS,
    MAX_OUTPUT_CHARS,
    MAX_PIPELINE_CALLS,
    MAX_SOURCE_CHARS,
    TemplateError,
    alert_data,
    compile_map,
    compile_template,
    template_problem,
)
from opsuite_cep.domain.timers import TimerQueue
from opsuite_common.errors import ValidationError

DATA = alert_data({"alertname": "cpu-high", "host": "web-1", "zone": "eu west"}, {"cpu": 95.1234, "window": "5m"})


def render(source: str, data: dict[str, Any] | None = None) -> str:
    return compile_template(source).render(DATA if data is None else data)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("plain text", "plain text"),
        ("{{ $labels.host }} is hot", "web-1 is hot"),
        ("{{$labels.host}}", "web-1"),
        ("{{ $values.window }} window", "5m window"),
        ("{{ $value }}", "95.1234"),  # the only numeric value of a threshold evaluation
        ('{{ $value | printf "%.1f" }}', "95.1"),
        ('{{ printf "%.1f" $value }}', "95.1"),
        ('{{ printf "%d%% on %s (%q) %5.2f|%-4s|" 7 $labels.host "x" 1.5 "ab" }}', '7% on web-1 ("x")  1.50|ab  |'),
        ('{{ printf "%v %e %g %x" 1.5 1500 0.25 255 }}', "1.5 1.500000e+03 0.25 ff"),
        ('{{ printf "%s %s" "one" }}', "one %!s(MISSING)"),
        ('{{ printf "%f" $labels.host }}', "%!f(string=web-1)"),
        ('{{ printf "%f" $labels.missing }}', "%!f(<nil>)"),
        ('{{ $labels.missing | default "?" }}', "?"),
        ('{{ default "?" $labels.host }}', "web-1"),
        ("[{{ $labels.missing }}]", "[]"),  # a missing label renders empty, never an error
        ("[{{ $values.missing | humanize }}]", "[]"),
        ("{{ $labels.host | toUpper }}", "WEB-1"),
        ('{{ "MiXeD" | toLower }}', "mixed"),
        ("{{ $labels.zone | title }}", "Eu West"),
        ('{{ "  x  " | trimSpace }}', "x"),
        ("https://runbooks.example/{{ $labels.zone | urlquery }}", "https://runbooks.example/eu+west"),
        ("{{ 1234567 | humanize }}", "1.235M"),
        ("{{ 0.00123 | humanize }}", "1.23m"),
        ("{{ 0 | humanize }}", "0"),
        ("{{ 2048 | humanize1024 }}", "2ki"),
        ("{{ 0.5 | humanize1024 }}", "0.5"),
        ("{{ 0.1234 | humanizePercentage }}", "12.34%"),
        ("{{ 93784 | humanizeDuration }}", "1d 2h 3m 4s"),
        ("{{ 3725 | humanizeDuration }}", "1h 2m 5s"),
        ("{{ 65 | humanizeDuration }}", "1m 5s"),
        ("{{ 1.5 | humanizeDuration }}", "1.5s"),
        ("{{ 0.002 | humanizeDuration }}", "2ms"),
        ("{{ 0 | humanizeDuration }}", "0s"),
        ("{{ 1700000000 | humanizeTimestamp }}", "2023-11-14 22:13:20 +0000 UTC"),
        ("{{ $labels.host | humanize }}", "web-1"),  # not a number: the text unchanged
        ('{{ $labels.missing | default "n/a" | toUpper }}', "N/A"),
        ("{{ `raw \\n` }}", "raw \\n"),
        ('{{ "a\\tb" }}', "a\tb"),
        ("a {{- $labels.host -}} b", "aweb-1b"),
        ("a{{/* a comment */}}b", "ab"),
        ("{{ true }} {{ 2.50 }}", "true 2.5"),
        ("}} alone {", "}} alone {"),
    ],
)
def test_renders(source: str, expected: str) -> None:
    assert render(source) == expected


def test_every_function_is_exercised() -> None:
    """A function added to the whitelist needs a rendering case above."""
    used = ["humanize", "humanize1024", "humanizePercentage", "humanizeDuration", "humanizeTimestamp", "printf"]
    used += ["default", "toUpper", "toLower", "title", "trimSpace", "urlquery"]
    assert sorted(FUNCTIONS) == sorted(used)


def test_value_is_the_value_entry_or_the_only_number() -> None:
    assert render("{{ $value }}", alert_data({}, {"value": 7, "count": 2})) == "7"
    assert render("[{{ $value }}]", alert_data({}, {"a": 1, "b": 2})) == "[]"  # ambiguous: empty
    assert render("[{{ $value }}]", alert_data({}, {"trigger": "e1"})) == "[]"


@pytest.mark.parametrize(
    ("source", "message", "position"),
    [
        ("{{ .Host }}", "attribute access is not supported", "line 1, column 4"),
        ("{{ $labels.host.name }}", "attribute access is not supported", "line 1, column 4"),
        ("{{ $value.real }}", "attribute access is not supported", "line 1, column 4"),
        ("{{ $labels }}", "name one entry", "line 1, column 4"),
        ("x\n  {{ range $labels }}{{ end }}", "'range' is not supported", "line 2, column 6"),
        ("{{ if $value }}hot{{ end }}", "'if' is not supported", "line 1, column 4"),
        ('{{ define "x" }}', "'define' is not supported", "line 1, column 4"),
        ('{{ template "x" }}', "'template' is not supported", "line 1, column 4"),
        ("{{ exec $value }}", "unknown function 'exec'", "line 1, column 4"),
        ("{{ $value | upper }}", "unknown function 'upper'", "line 1, column 13"),
        ("{{ $env.HOME }}", "unknown variable $env", "line 1, column 4"),
        ("{{ $x := 1 }}", "variables cannot be assigned", "line 1, column 7"),
        ("{{ (humanize $value) }}", "parentheses are not supported", "line 1, column 4"),
        ("{{ $value", "unclosed action", "line 1, column 1"),
        ("{{ }}", "empty action", "line 1, column 3"),
        ("{{ $value | }}", "empty command", "line 1, column 3"),
        ("{{ humanize }}", "humanize takes 1 argument(s), given 0", "line 1, column 4"),
        ('{{ $value | default "a" "b" }}', "default takes 2 argument(s), given 3", "line 1, column 13"),
        ("{{ printf $labels.host }}", "string literal", "line 1, column 4"),
        ('{{ printf "%999999d" 1 }}', "at most 64", "line 1, column 4"),
        ('{{ printf "%n" 1 }}', "unsupported verb", "line 1, column 4"),
        ("{{ $value $value }}", "only a function takes arguments", "line 1, column 11"),
        ("{{ humanize | toUpper }}", "humanize takes 1", "line 1, column 4"),
        ("{{ /* open }}", "unclosed comment", "line 1, column 1"),
    ],
)
def test_refuses(source: str, message: str, position: str) -> None:
    with pytest.raises(TemplateError) as info:
        compile_template(source)
    assert message in info.value.message
    assert info.value.position == position


def test_channel_variables_only_in_channel_templates() -> None:
    source = "{{ $kind }}: {{ $annotations.summary }}"
    assert template_problem(source) is not None and "unknown variable $kind" in str(template_problem(source))
    data = alert_data({}, {}, annotations={"summary": "hot"}, kind="firing")
    assert compile_template(source, CHANNEL_VARIABLES).render(data) == "firing: hot"


def test_size_bounds() -> None:
    with pytest.raises(TemplateError, match="at most"):
        compile_template("x" * (MAX_SOURCE_CHARS + 1))
    with pytest.raises(TemplateError, match="actions"):
        compile_template("{{ $value }}" * (MAX_ACTIONS + 1))
    # The widest output the sandbox allows (64-wide printf in every action) is cut at the cap.
    wide = '{{ printf "%64s%64s%64s%64s%64s%64s%64s%64s" 1 2 3 4 5 6 7 8 }}' * MAX_ACTIONS
    out = compile_template(wide[:MAX_SOURCE_CHARS].rsplit("{{", 1)[0]).render(DATA)
    assert len(out) == MAX_OUTPUT_CHARS and out.endswith("…")


def test_rule_annotations_are_checked_at_parse_with_the_field() -> None:
    rule: dict[str, Any] = {
        "name": "cpu",
        "kind": "THRESHOLD",
        "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}},
        "annotations": {"summary": "{{ $labels.host.name }}", "runbook": "{{ nope }}", "plain": "ok"},
    }
    with pytest.raises(ValidationError) as info:
        parse_rule(rule)
    found = {v.field: v.description for v in info.value.field_violations}
    assert set(found) == {"annotations.summary", "annotations.runbook"}
    assert found["annotations.summary"].startswith("invalid template at line 1, column 4: attribute access")


def test_tracker_renders_annotations_per_alert() -> None:
    rule = parse_rule(
        {
            "name": "cpu",
            "kind": "THRESHOLD",
            "channels": ["hook"],
            "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
            "annotations": {"summary": '{{ $labels.host }} at {{ $value | printf "%.0f" }}%', "static": "x"},
        },
        known_channels={"hook"},
    )
    tracker = AlertTracker(rule, TimerQueue(), [])
    out = IngestResult()
    tracker.evaluate({"host": "h1"}, True, 1.0, {"cpu": 97.4}, out)
    assert out.transitions[0].annotations == {"summary": "h1 at 97%", "static": "x"}
    assert out.notifications[0].annotations == {"summary": "h1 at 97%", "static": "x"}


def test_a_stored_template_the_sandbox_refuses_stays_plain_text() -> None:
    compiled = compile_map({"a": "{{ .Old }}", "b": "{{ $labels.x }}"})
    assert compiled is not None and compiled["a"] == "{{ .Old }}"
    assert compile_map({"a": "no template"}) is None


def test_a_stored_rule_loads_although_the_sandbox_refuses_its_annotation() -> None:
    definition = {
        "name": "old",
        "kind": "THRESHOLD",
        "channels": ["hook"],
        "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}},
        "annotations": {"summary": "{{ .Legacy }} on {{ $labels.host }}"},
    }
    with pytest.raises(ValidationError):
        parse_rule(definition, known_channels={"hook"})
    rule = parse_rule(definition, stored=True)
    out = IngestResult()
    AlertTracker(rule, TimerQueue(), []).evaluate({"host": "h1"}, True, 1.0, {"cpu": 95}, out)
    assert out.notifications[0].annotations == {"summary": "{{ .Legacy }} on {{ $labels.host }}"}


def test_an_action_chains_a_bounded_number_of_functions() -> None:
    ok = "{{ $labels.host" + " | toUpper" * MAX_PIPELINE_CALLS + " }}"
    assert render(ok) == "WEB-1"
    with pytest.raises(TemplateError, match="at most"):
        compile_template("{{ $labels.host" + " | toUpper" * (MAX_PIPELINE_CALLS + 1) + " }}")


def test_each_step_of_a_pipeline_works_on_at_most_the_output_cap() -> None:
    # urlquery grows a value of '%' threefold each step: the value is cut to the cap between steps.
    data = alert_data({"a": "%" * 5000}, {})
    out = compile_template("{{ $labels.a" + " | urlquery" * MAX_PIPELINE_CALLS + " }}").render(data)
    assert len(out) <= MAX_OUTPUT_CHARS
    assert out.startswith("%25")


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("{{ $value | humanizeTimestamp }}", -1e11),  # before year 1
        ("{{ $labels.t | humanizeTimestamp }}", "-99999999999"),
        ("{{ $value | humanize }}", 10**400),
        ("{{ $value | humanize1024 }}", 10**400),
        ("{{ $value | humanizeDuration }}", 10**400),
    ],
)
def test_a_value_a_function_cannot_handle_renders_without_failing(source: str, value: Any) -> None:
    data = alert_data({"t": str(value)}, {"value": value})
    assert isinstance(compile_template(source).render(data), str)
