"""Operators' words (issue 13, the thirty-fifth estate written blind): "vib" is vibration, a "chopper" or "heli" a
helicopter flight, "WHP" a wellhead pressure, a supply "boat" a vessel; "under 30%" and "which ones" name no topic.

The estate is made up (a lighthouse service's tenders and their helicopters); no estate's names.
"""

from opsuite_ops.domain.coverage import CoverageCheck, is_topic, vocabulary
from opsuite_ops.domain.model import Tool
from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS

TENDERS = Tool("list_tenders", "Tender vessels' movements: vessel, port, arrival", frozenset({"vessel", "logistics"}))
FLIGHTS = Tool("list_flights", "Helicopter flights to the lights: flight, departure", frozenset({"helicopter"}))
LAMPS = Tool("lamp_trend", "Lamp vibration and wellhead pressure readings", frozenset({"metric"}))


def test_operators_words_are_the_tools_words() -> None:
    for word, tool in (("boat", TENDERS), ("chopper", FLIGHTS), ("heli", FLIGHTS), ("vib", LAMPS), ("whp", LAMPS)):
        assert not CoverageCheck.of((word,), [tool], DEFAULT_SYNONYMS).uncovered, word
        if word != "heli":  # ("heli" is the start of "helicopter" already)
            assert CoverageCheck.of((word,), [tool], {}).uncovered == (word,)  # the synonyms are what know it


def test_comparisons_and_ones_name_no_topic() -> None:
    vocab = vocabulary([TENDERS, FLIGHTS, LAMPS])
    assert not any(is_topic(w, vocab) for w in ("under", "below", "above", "ones"))
    assert is_topic("lantern", vocab)
