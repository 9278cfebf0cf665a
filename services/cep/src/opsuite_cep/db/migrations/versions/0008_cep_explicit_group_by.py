"""One partitioning default for every rule kind: a THRESHOLD or WINDOW rule without ``group_by`` now groups by
the envelope key (as SEQUENCE, ABSENCE and ANOMALY rules always did). Rules stored before keep their meaning,
one tenant-wide alert: their definitions get ``"group_by": []`` written out.

The rule revision the engine checks a checkpoint against is a hash of the definition, so the checkpoints
that hold these rules' state are rewritten with the new revision (their state, windows and open alerts
included, is kept instead of being discarded at the next start). Nothing is done on downgrade: an explicit
``[]`` means the same under the old default.

Revision ID: 0008_cep_explicit_group_by
Revises: 0007_cep_routing
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008_cep_explicit_group_by"
down_revision = "0007_cep_routing"
branch_labels = None
depends_on = None


def _revision(definition: dict[str, Any], enabled: bool) -> str:
    """The engine's rule revision (``opsuite_cep.domain.parsing.parse_rule``), frozen here as it was."""
    data = {**definition, "enabled": enabled}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def upgrade() -> None:
    """Write ``group_by: []`` into THRESHOLD and WINDOW rules without one; follow their checkpoints."""
    conn = op.get_bind()
    rules = conn.execute(
        sa.text("SELECT id, tenant, name, definition FROM cep_rules WHERE kind IN ('THRESHOLD', 'WINDOW')")
    ).fetchall()
    renamed: dict[str, dict[tuple[str, str], str]] = {}  # tenant -> (rule name, old revision) -> new revision
    for rule_id, tenant, name, text in rules:
        try:
            definition = json.loads(text)
        except ValueError:
            continue  # a definition that does not parse is skipped by the engine as well
        spec = definition.get("spec") if isinstance(definition, dict) else None
        if not isinstance(spec, dict) or "group_by" in spec:
            continue
        new = {**definition, "spec": {**spec, "group_by": []}}
        conn.execute(
            sa.text("UPDATE cep_rules SET definition = :definition WHERE id = :id"),
            {"definition": json.dumps(new), "id": rule_id},
        )
        for enabled in (True, False):  # the engine's revision includes the enabled flag of that time
            renamed.setdefault(tenant, {})[(name, _revision(definition, enabled))] = _revision(new, enabled)
    for tenant, revisions in renamed.items():
        rows = conn.execute(
            sa.text("SELECT unit, snapshot FROM cep_checkpoints WHERE tenant = :tenant"), {"tenant": tenant}
        ).fetchall()
        for unit, text in rows:
            snapshot = json.loads(text)
            changed = False
            for name, state in (snapshot.get("rules") or {}).items():
                new_revision = revisions.get((name, state.get("revision")))
                if new_revision is not None:
                    state["revision"], changed = new_revision, True
            if changed:
                conn.execute(
                    sa.text("UPDATE cep_checkpoints SET snapshot = :snapshot WHERE tenant = :tenant AND unit = :unit"),
                    {"snapshot": json.dumps(snapshot), "tenant": tenant, "unit": unit},
                )


def downgrade() -> None:
    """Nothing: ``group_by: []`` means one tenant-wide alert under either default."""
