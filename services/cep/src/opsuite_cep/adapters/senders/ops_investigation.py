"""The ``ops_investigation`` channel kind: the question template, and the hook that asks ops.

The hook (:data:`Investigate`) is the app's ``Investigator``: it asks ops through the ops client and
attaches the answer to the alert.
"""

from __future__ import annotations

import string
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from opsuite_common.errors import FailedPreconditionError, ServiceUnavailableError

__all__ = [
    "DEFAULT_QUESTION",
    "MAX_QUESTION_CHARS",
    "QUESTION_FIELDS",
    "Investigate",
    "question_problem",
    "render_question",
    "send_investigation",
]

#: The ops_investigation question when the channel's config sets none.
DEFAULT_QUESTION = "investigate alert {rule} on {labels}"
#: The only fields a question template may use.
QUESTION_FIELDS = ("rule", "severity", "labels")
MAX_QUESTION_CHARS = 2000

#: ``(tenant, channel config, notification payload)`` -> ask ops and attach the answer to the alert.
Investigate = Callable[[str, Mapping[str, Any], Mapping[str, Any]], Awaitable[None]]


def question_problem(template: str) -> str | None:
    """Why ``template`` is not a plain ``{rule}``/``{severity}``/``{labels}`` template, or None."""
    if len(template) > MAX_QUESTION_CHARS:
        return f"at most {MAX_QUESTION_CHARS} characters"
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"not a valid template ({exc}); write literal braces as {{{{ and }}}}"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        # Only bare names: attribute/index access, conversions and format specs could reach into
        # objects or build huge strings, and a question needs none of them.
        if name not in QUESTION_FIELDS or spec or conversion:
            return f"unsupported placeholder {{{name}}}; use only {{rule}}, {{severity}} and {{labels}}"
    return None


def render_question(template: str, payload: Mapping[str, Any]) -> str:
    """The ops question for a notification: ``template`` filled with the alert's rule, severity and labels."""
    problem = question_problem(template)
    if problem is not None:
        raise FailedPreconditionError(
            f"the channel's question template is invalid: {problem}", reason="CHANNEL_REJECTED"
        )
    labels = ", ".join(f"{k}={v}" for k, v in sorted(payload.get("labels", {}).items()) if k != "alertname")
    values = {"rule": str(payload.get("rule", "")), "severity": str(payload.get("severity", "")), "labels": labels}
    return template.format_map(values).strip()


async def send_investigation(
    investigate: Investigate | None, tenant: str, config: Mapping[str, Any], payload: Mapping[str, Any]
) -> None:
    """Hand the notification to the ``investigate`` hook; UNAVAILABLE without an ops client."""
    if investigate is None:
        raise ServiceUnavailableError("no ops client is configured", reason="OPS_NOT_CONFIGURED")
    await investigate(tenant, config, payload)
