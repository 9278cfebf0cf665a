"""The ``ops_investigation`` channel kind: ask ops about an alert and attach the answer to the alert.

Delivery calls ops ``Ask`` through :class:`~opsuite_cep.adapters.opsclient.OpsCaller` (deadline
``ops_timeout_s``, a breaker per target, typed errors) with a service token for the alert's tenant. Ask
has side effects (it stores a run), so the client never retries it by itself; an unreachable ops is
UNAVAILABLE and the dispatcher keeps the notification pending and retries it with backoff. On success the
run id and the answer are stored on the alert with an ``investigated`` change, so GetAlert and WatchAlerts
show them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opsuite_cep.adapters.opsclient import OpsCaller
from opsuite_cep.adapters.senders import DEFAULT_QUESTION, render_question
from opsuite_cep.app.engines import Notifier
from opsuite_cep.db.alerts import AlertRepository
from opsuite_common.db import Database
from opsuite_common.errors import NotFoundError
from opsuite_common.logging import get_logger

__all__ = ["MAX_ANSWER_CHARS", "Investigator"]

log = get_logger("opsuite.cep.investigations")

#: Longest answer kept on an alert: every later change snapshot of the alert repeats it.
MAX_ANSWER_CHARS = 16_000


def _clip(answer: str) -> str:
    if len(answer) <= MAX_ANSWER_CHARS:
        return answer
    return answer[: MAX_ANSWER_CHARS - 40].rstrip() + "\n[answer truncated; see the ops run]"


class Investigator:
    """Delivers ``ops_investigation`` notifications (the :data:`~opsuite_cep.adapters.senders.Investigate` hook)."""

    def __init__(self, db: Database, ops: OpsCaller, notifier: Notifier) -> None:
        self.db, self.ops, self.notifier = db, ops, notifier

    async def __call__(self, tenant: str, config: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
        """Ask ops about the notification's alert and attach the run id and answer to the alert."""
        if payload.get("kind") == "resolved":
            return  # nothing left to investigate; delivered as a no-op (no ops run)
        question = render_question(str(config.get("question") or DEFAULT_QUESTION), payload)
        run_id, answer = await self.ops.ask(tenant, question)
        alert_id = str(payload.get("alert_id") or "")
        if not alert_id:
            return  # a TestChannel notification: there is no alert to attach to
        async with self.db.session() as s:
            alerts = AlertRepository(s, tenant)
            try:
                row = await alerts.get(alert_id)
            except NotFoundError:
                # A pending alert dropped before ops answered is deleted; the run stays readable in ops.
                log.info("alert gone before its investigation finished", tenant=tenant, alert=alert_id, run=run_id)
                return
            row.investigation_id, row.answer = run_id, _clip(answer)
            await alerts.record_change(row, "investigated")
        self.notifier.notify(tenant)
