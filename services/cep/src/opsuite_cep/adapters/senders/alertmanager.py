"""The ``alertmanager`` format of the ``webhook`` channel: Alertmanager's webhook payload, version 4.

Existing Alertmanager receivers take it unchanged::

    {"version": "4", "groupKey": "{}:{alertname=\\"cpu-high\\"}", "truncatedAlerts": 0, "status": "firing",
     "receiver": "ops", "groupLabels": {...}, "commonLabels": {...}, "commonAnnotations": {...},
     "externalURL": "", "alerts": [{"status": "firing", "labels": {...}, "annotations": {...},
     "startsAt": "2026-01-01T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "",
     "fingerprint": "c4a7f2b1e0d9a3f5"}]}

A group notification (a routing config's receiver) maps field for field. A rule's own per-alert
notification is sent as a group of that one alert grouped by all its labels at the root route (groupKey
``{}:{<its labels>}``, receiver: the channel's name). As Alertmanager: the receiver name is escaped as
Go's ``regexp.QuoteMeta`` escapes it, ``max_alerts`` keeps the first alerts and counts the rest in
``truncatedAlerts`` (status and the common labels are those of the alerts kept), a firing alert's
``endsAt`` is Go's zero time, and ``fingerprint`` is Alertmanager's fingerprint of the labels.
``externalURL`` is the channel's ``external_url`` (empty by default); ``generatorURL`` is empty (no
Prometheus expression behind a cep alert).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opsuite_cep.domain.amcompat import common_labels, label_fingerprint, labelset_string, quote_meta, rfc3339

__all__ = ["FORMATS", "alertmanager_payload"]

#: Webhook payload formats: cep's own JSON, and Alertmanager's version 4.
FORMATS = ("opsuite", "alertmanager")


def _alerts_of(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    if isinstance(payload.get("alerts"), list):
        return list(payload["alerts"])
    resolved = payload.get("kind") == "resolved"
    return [
        {
            "status": "resolved" if resolved else "firing",
            "labels": payload.get("labels") or {},
            "annotations": payload.get("annotations") or {},
            "starts_at": payload.get("starts_at", payload.get("at")),
            "ends_at": (payload.get("ends_at") or payload.get("at")) if resolved else None,
        }
    ]


def alertmanager_payload(config: Mapping[str, Any], payload: Mapping[str, Any]) -> dict[str, Any]:
    """The version 4 message for one notification ``payload`` (a group's, or one alert's)."""
    alerts = _alerts_of(payload)
    limit = int(config.get("max_alerts") or 0)
    truncated = max(0, len(alerts) - limit) if limit else 0
    if limit:
        alerts = alerts[:limit]
    grouped = "group_key" in payload
    labels = [{str(k): str(v) for k, v in dict(a.get("labels") or {}).items()} for a in alerts]
    annotations = [{str(k): str(v) for k, v in dict(a.get("annotations") or {}).items()} for a in alerts]
    group_labels = dict(payload.get("group_labels") or {}) if grouped else dict(labels[0] if labels else {})
    firing = [a.get("status") != "resolved" for a in alerts]
    return {
        "receiver": quote_meta(str(payload.get("receiver") or payload.get("channel") or "")),
        "status": "firing" if any(firing) else "resolved",
        "alerts": [
            {
                "status": "firing" if fires else "resolved",
                "labels": lab,
                "annotations": ann,
                "startsAt": rfc3339(_seconds(a.get("starts_at"))),
                "endsAt": rfc3339(None if fires else _seconds(a.get("ends_at"))),
                "generatorURL": "",
                "fingerprint": label_fingerprint(lab),
            }
            for a, lab, ann, fires in zip(alerts, labels, annotations, firing, strict=True)
        ],
        "groupLabels": group_labels,
        "commonLabels": common_labels(labels),
        "commonAnnotations": common_labels(annotations),
        "externalURL": str(config.get("external_url") or ""),
        "version": "4",
        "groupKey": str(payload["group_key"]) if grouped else "{}:" + labelset_string(group_labels),
        "truncatedAlerts": truncated,
    }


def _seconds(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
