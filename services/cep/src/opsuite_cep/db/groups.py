"""Group notifications in the outbox: one row per (group flush, channel), its payload, and the alerts it carries.

The row's ``alert_id`` is the group's id (``g`` + 31 hex digits): the dispatcher keeps the notifications of
one group to one channel in order, as it does for one alert. ``cep_notification_alerts`` lists the alerts of
the notification, so ListDeliveries by an alert finds the deliveries of the groups it was part of.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_cep.db.models import AlertRow, NotificationAlertRow, NotificationRow
from opsuite_cep.domain.amcompat import common_labels
from opsuite_cep.domain.results import GroupNotification
from opsuite_common.db import utcnow
from opsuite_common.tracing import carrier

__all__ = ["add_group_notification", "group_payload"]


def group_payload(n: GroupNotification, alert_ids: Mapping[str, str]) -> dict[str, Any]:
    """The outbox payload of a group notification.

    The group (``receiver``, ``group_key``, ``group_labels``, ``alerts``) plus the fields of an alert's
    payload, filled from what the alerts share, so every channel kind can send it: ``rule`` and ``severity``
    are the common ``alertname`` and ``severity`` labels (empty when they differ), ``labels`` and
    ``annotations`` the common ones, ``alert_id`` the first alert's (an ``ops_investigation`` attaches its
    answer there).
    """
    alerts = [
        {
            "alert_id": alert_ids.get(a.fingerprint, ""),
            "fingerprint": a.fingerprint,
            "rule": a.rule,
            "severity": a.severity,
            "status": "firing" if a.ends_at is None else "resolved",
            "labels": dict(a.labels),
            "annotations": dict(a.annotations),
            "values": dict(a.values),
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
        }
        for a in n.alerts
    ]
    labels = common_labels([a.labels for a in n.alerts])
    firing = [x for x in alerts if x["status"] == "firing"]
    first = (firing or alerts)[0] if alerts else {}
    return {
        "kind": str(n.kind),
        "status": str(n.kind),
        "receiver": n.receiver,
        "group_key": n.group_key,
        "group_labels": dict(n.group_labels),
        "rule": labels.get("alertname", ""),
        "severity": labels.get("severity", ""),
        "labels": labels,
        "annotations": common_labels([a.annotations for a in n.alerts]),
        "values": {},
        "fingerprint": n.fingerprint,
        "alert_id": first.get("alert_id", ""),
        "state": str(n.kind),
        "at": n.at,
        "starts_at": min((a.starts_at for a in n.alerts), default=n.at),
        "ends_at": None if firing else max((a.ends_at or n.at for a in n.alerts), default=n.at),
        "alerts": alerts,
    }


def add_group_notification(
    session: AsyncSession, tenant: str, n: GroupNotification, rows: Mapping[str, AlertRow | None]
) -> None:
    """Queue ``n`` (in the caller's transaction); ``rows`` are its alerts' rows by fingerprint, when stored."""
    ids = {fp: row.id for fp, row in rows.items() if row is not None}
    notification_id, now = uuid.uuid4().hex, utcnow()
    session.add(
        NotificationRow(
            id=notification_id,
            tenant=tenant,
            alert_id=n.fingerprint,
            channel=n.channel,
            kind=str(n.kind),
            payload=json.dumps(group_payload(n, ids), default=str),
            status="pending",
            attempts=0,
            next_attempt_at=now,
            last_error="",
            trace_context=carrier(),
            created_at=now,
        )
    )
    for alert_id in dict.fromkeys(ids.values()):
        session.add(NotificationAlertRow(notification_id=notification_id, alert_id=alert_id, tenant=tenant))
