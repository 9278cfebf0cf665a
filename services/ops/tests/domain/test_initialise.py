import pytest

from opsuite_common.errors import ValidationError
from opsuite_ops.domain.initialise import Alias, initialise


@pytest.mark.parametrize("name", ["pay-api-1", "web 1", "WEB_002", "db-3", "lb-2"])
def test_no_built_in_alias_rewrites_a_name(name: str) -> None:
    # Names are resolved against the estate's own inventory, never rewritten to one estate's convention.
    q = initialise(f"  what is the CPU on  {name} ?")
    assert q.text == f"what is the CPU on {name} ?"
    assert q.aliases_applied == ()
    assert q.original.startswith("  what")


def test_configured_alias_and_smart_quotes() -> None:
    aliases = [Alias(r"\bcheckout[- ]?svc\b", "checkout"), Alias(r"\bpg(?P<n>\d)\b", "db-{n:0>2}")]
    q = initialise("errors on checkout-svc and pg1 for “disk full”", aliases)
    assert q.text == 'errors on checkout and db-01 for "disk full"'
    assert len(q.aliases_applied) == 2


def test_hours_are_not_mistaken_for_hosts() -> None:
    assert initialise("cpu over the last 2 hours").text == "cpu over the last 2 hours"


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000])
def test_rejects_empty_or_huge_questions(question: str) -> None:
    with pytest.raises(ValidationError) as err:
        initialise(question)
    assert err.value.field_violations[0].field == "question"


def test_bad_alias_regex_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="not a regex"):
        Alias("web(", "x")
