"""Ranking tools for a question: BM25 over each tool's words, with a few operator synonyms.

A tool's document (:func:`tool_tokens`) is its name (twice: the strongest signal), description, tags, the
parameters that say what it is about (:func:`~opsuite_ops.domain.coverage.subject_params`) and its enum
values. :data:`DEFAULT_SYNONYMS` adds search words for a few operator words ("changed" also searches
"deploy", "traffic" also "egress"): generic operations English, no estate's names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from opsuite_ops.domain.bm25 import BM25Index, tokenise
from opsuite_ops.domain.coverage import ate_forms, enum_words, subject_params
from opsuite_ops.domain.model import Tool
from opsuite_ops.domain.words import ABBREVIATIONS

__all__ = ["DEFAULT_SYNONYMS", "rank_tools", "tool_tokens"]

#: Question word (stemmed) -> extra search words; small and operator-flavoured on purpose.
DEFAULT_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "chang": ("deploy", "release", "change"),
    "slow": ("latency",),
    "load": ("cpu",),
    "fail": ("error",),
    "spik": ("error", "anomaly"),
    "broken": ("error", "fault", "failed", "state"),  # a thing "still broken": its fault, its state
    "outag": ("error", "incident"),
    "releas": ("deploy",),
    "memory": ("mem",),
    "db": ("database",),  # the operator's short word for a database
    "work": ("assignee", "owner"),  # "who's working on INC-12": whom it is assigned to
    "runbook": ("document",),
    "doc": ("document",),
    "depend": ("graph",),
    "healthy": ("health", "status"),
    # Status words onto the usual enum values (a tool's schema decides which exist, see fill_words.ENUM_SYNONYMS).
    "offlin": ("down",),
    "unreachabl": ("down",),
    "onlin": ("up",),
    "unhealthy": ("degraded", "down", "status", "health"),
    "shut": ("closed", "stopped", "state"),  # "why is X shut": its state (see coverage._STATES_COVERING)
    "pag": ("escalation", "oncall"),  # operator words for whom to call: "who do I page"
    "behind": ("lag",),  # "falling behind": a consumer's or a replica's lag
    "traffic": ("egress", "ingress", "bandwidth", "throughput", "requests"),
    "statu": ("state",),  # "status" and "state" are one word to an operator
    "stat": ("status",),
    "slowest": ("latency",),
    "hot": ("temperature", "temp"),  # a transformer "running hot": its temperatures
    "stock": ("instrument", "symbol", "share", "equity"),  # a listed company's stock (or a warehouse's: its own word)
    "cold": ("temperature", "temp"),
    "slower": ("latency",),
    # A build or check that is "red" has failed; "green" passed (CI and dashboard slang).
    "red": ("failed",),
    "green": ("success", "passed"),
    # "what error is the test throwing": its failure message; "smtp errors": the 4xx and 5xx replies
    "error": ("failure", "exception", "4xx", "5xx"),
    # A DR "copy" of data is its replica; the "size" of a thing is what it stores.
    "copy": ("replica",),
    "siz": ("used", "stored", "capacity"),
    # Operators' abbreviations ("avg rx on port 3", "acct 0012345", "pwr"): see words.ABBREVIATIONS.
    **ABBREVIATIONS,
    # A job "booked" is scheduled; a part "swapped" is replaced (a change or a job that plans it).
    "book": ("scheduled", "planned"),
    "swap": ("replace", "change"),
    # An "upgrade" is a change; a maintenance "job" is a work order.
    "upgrad": ("change", "deploy"),
    "job": ("work",),
    # What a plant, a turbine or a line "outputs" is its power, production or throughput.
    "output": ("power", "production", "throughput"),
    # British for equipment: "is any plant kit down", "which kit is alarming".
    "kit": ("equipment", "asset", "device"),
    # A "genny" is a standby generator, and what one is "low on" is its diesel: fuel.
    "genny": ("generator", "genset"),
    "diesel": ("fuel",),
    # A supply "boat" is a vessel.
    "boat": ("vessel", "ship"),
    # A disk or a node that "died" or is "dead" has failed; one "looking dodgy" is failing or predicted to.
    "dead": ("failed", "failure", "down"),
    "died": ("failed", "failure", "down"),
    "die": ("failed", "failure", "down"),
    "dodgy": ("failing", "failure", "predicted", "degraded", "warning"),
    # "how far along is the rebalance": its progress.
    "along": ("progress",),
    # A feature flag "flipped" is changed; a carrier's "pickup" is its collection (a handover).
    "flip": ("change", "toggle"),
    "flipp": ("change", "toggle"),
    "pickup": ("collection", "handover"),
}


def tool_tokens(tool: Tool) -> list[str]:
    """The BM25 document of a tool: name twice (it is the strongest signal), description, tags, params and
    their enum values ("down hosts" finds the tool with a ``status`` enum holding ``down``)."""
    name = tokenise(tool.name, keep_stop_words=True)
    parts = [*name, *name, *tokenise(tool.description)]
    for tag in sorted(tool.tags):
        parts.extend(tokenise(tag, keep_stop_words=True))
    for param in subject_params(tool):
        parts.extend(tokenise(param, keep_stop_words=True))
    parts.extend(sorted(enum_words(tool)))
    return parts


def rank_tools(
    question: str, tools: Sequence[Tool], synonyms: Mapping[str, tuple[str, ...]] = DEFAULT_SYNONYMS
) -> list[tuple[Tool, float]]:
    """Tools with their BM25 score for ``question`` (its words, names already removed), best first."""
    if not tools:
        return []
    query = tokenise(question)
    for tok in list(query):
        for extra in synonyms.get(tok, ()):
            query.extend(tokenise(extra, keep_stop_words=True))
        query.extend(ate_forms(tok))  # "escalate" finds the tool that speaks of escalation
    index = BM25Index([tool_tokens(t) for t in tools])
    scores = index.scores(query)
    return sorted(zip(tools, scores, strict=True), key=lambda p: (-p[1], p[0].name))
