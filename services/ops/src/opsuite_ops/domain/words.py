"""Small generic English word lists the planner reads a question's form with (no estate's vocabulary).

* :data:`GENERIC_WORDS`: words of a question's form, not of its subject ("what's", "compare", "right now"),
  with the common chat abbreviations operators type ("rn" for right now, "atm", "asap", "pls"): never a
  metric, a name, or a search term.
* :data:`NON_TOPIC_WORDS`: words that never name a measured thing or a topic, so no tool has to "report"
  them: parts of time expressions ("last night", "up to date"), function words ("just", "still"),
  comparison, size, degree and age words ("slowest", "closest", "big", "forever", "the old version"), "keep"
  of "users keep getting 401s" (it says the trouble goes on, not what it is), words asking for anything odd
  ("anything weird?", "anything off?": a series' change point answers them) and for a remedy ("fix": the cause
  answers it).

Both are English only and kept short on purpose: a word missing here is at worst reported as a part of the
question no tool covers (a PARTIAL answer), never taken for a name.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ABBREVIATIONS",
    "CHAT_WORDS",
    "GENERIC_WORDS",
    "INTENSIFIERS",
    "MEASURE_WORDS",
    "NON_TOPIC_WORDS",
    "STRESS_WORDS",
    "WORTH_WORDS",
    "measures",
]

#: Chat abbreviations and informal fillers ("any runners offline rn?", "taking forever", "for ages", "any race
#: stuff", "rope stretch wise": the "-wise" of "as regards").
CHAT_WORDS = frozenset(
    """rn atm asap pls plz thx ty btw fyi tbh imo imho iirc afaik lol hey yo ur u r ya forever ages
    kinda sorta gonna wanna stuff wise""".split()  # noqa: SIM905
)

#: Words of a question's form, not of its subject: never a metric, a name, or a search term.
GENERIC_WORDS = (
    frozenset(
        """happening happened happen going wrong look looks check ok okay fine problem problems
    issue issues doing anything something everything currently current right like see need know value values
    number data info information detail details overview summary compare comparison between vs versus
    than both each every same other others rest different differs differ differing trend level why seem seems
    getting got going right now latest
    current please thanks hi hello whats what's whos who's wheres whens hows tell us it's is isn't are aren't start
    started starting begin across throughout
    began begun few several roughly approximately around say says saying want wants
    tonight tonite tomorrow tmrw tomoz thru
    isn aren wasn weren doesn didn hasn haven hadn couldn
    shouldn wouldn""".split()  # noqa: SIM905
    )
    | CHAT_WORDS
)

#: Words before "value" that make it an amount of money, a measure to report ("their stock value"), not the form
#: word of "what value does X have".
WORTH_WORDS = frozenset({"stock", "inventory", "market", "book", "resale", "replacement", "contract", "order",
                         "invoice", "insured", "sales", "cash", "monetary", "financial", "dollar"})  # fmt: skip

#: Words that never name a measured thing or a topic (see the module docstring).
NON_TOPIC_WORDS = frozenset(
    """night nights tonight overnight morning mornings afternoon evening evenings noon midnight weekend
    just up still yet already ever again also only even lately soon far roughly about around approximately
    most least top worst best highest lowest slowest fastest busiest biggest largest smallest hottest longest
    shortest heaviest noisiest closest nearest furthest farthest higher lower slower faster bigger larger
    smaller closer nearer more less fewer big large small huge tiny high low long forever new newer newest old older
    longer shorter greater hotter colder warmer cooler
    oldest recent earlier later next upcoming previous keep keeps kept fast quick quickly
    odd off unusual weird strange abnormal anomalous sort sorts peak peaks fully
    fix fixing remedy hr hrs wk wks mins secs sec under below above beneath ones as""".split()  # noqa: SIM905
)

#: Degree words that only stress the next one ("so far behind", "too slow"), and comparisons of a measure with
#: itself ("is the lag getting worse"): never a topic; a search for documents keeps "worse" and "worst", never
#: the bare stress words ("so", "very").
#: ("how bad did the lag get": the reader drops a judgement right after "how", see :mod:`extract`.)
INTENSIFIERS = frozenset({"so", "too", "very", "really", "quite", "pretty", "super", "worse", "worst"})
#: The stress words among them: never a search term either.
STRESS_WORDS = frozenset({"so", "too", "very", "really", "quite", "pretty", "super"})

#: Operators' abbreviations and the words they stand for ("avg rx on port 3", "acct 0012345", "harbour jn").
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "avg": ("average", "mean"),
    "acct": ("account",),
    "rx": ("receive", "received"),
    "tx": ("transmit", "transmitted", "transmitter"),
    "txs": ("transmitters", "transmitter", "transactions", "transaction"),
    "pwr": ("power",),
    "qty": ("quantity",),
    "msg": ("message",),
    "cfg": ("config",),
    "conn": ("connection",),
    "req": ("request",),
    "perf": ("performance",),
    "mgmt": ("management",),
    "jn": ("junction",),
    "jct": ("junction",),
    "st": ("street", "station"),
    "rd": ("road",),
    "stn": ("station",),
    "ch": ("chamber", "channel"),
    "cat": ("category",),
    "eng": ("engine", "engineer", "engineering"),
    "vib": ("vibration",),
    "vibs": ("vibration",),
    "chopper": ("helicopter", "flight"),
    "heli": ("helicopter", "flight"),
    "whp": ("wellhead", "pressure"),
    "ic": ("incident", "commander"),
    "cust": ("customer",),
    "custs": ("customers", "customer"),
}


#: Words that measure something rather than name it: "disk usage" is not answered by a tool named ``mem_usage``.
MEASURE_WORDS = frozenset(
    """usage use used utilisation utilization free space size level levels percent percentage consumption
    capacity amount total count number value values metric metrics stat stats statistics""".split()  # noqa: SIM905
)


def measures(word: str, before: Sequence[str]) -> bool:
    """A measure word, or a rate of two unknown words or more ("false positive rate": a metric of its own)."""
    return word in MEASURE_WORDS or (word in ("rate", "rates", "ratio") and len(before) >= 2)
