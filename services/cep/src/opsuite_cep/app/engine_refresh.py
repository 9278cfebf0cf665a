"""Bring a just-loaded tenant engine up to the rules, silences and routing stored now.

A tenant's engine loads in steps that await: the rules, silences and routing are read first, then the event
log is replayed after the checkpoint (a worker thread, maybe seconds). A rule, silence or routing change
saved meanwhile found no engine to apply to (``EngineHost.loaded`` was None) and was counted instead; the
load (one shared task per tenant, shielded from its callers' cancels) then calls :func:`refresh_from_store`
once, with the engine's lock held and the engine installed, so any later change waits for the lock and is
applied after it. It is the same change a loaded engine gets from ``rule_changed`` / ``silences_changed`` /
routing's apply, read from the store in one go: no second load and no second replay, however many changes
come in. If the refresh fails, the engine is taken out again and the next caller loads anew.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opsuite_cep.app._rows import rule_from_row, silence_from_row
from opsuite_cep.app._session import read
from opsuite_cep.app.expected_keys import apply_stored_lists
from opsuite_cep.db.repositories import RuleRepository, SilenceRepository
from opsuite_cep.db.routing import load_routing
from opsuite_common.logging import get_logger

if TYPE_CHECKING:
    from opsuite_cep.app.engines import EngineHost, TenantEngine

__all__ = ["refresh_from_store"]

log = get_logger(__name__)


async def refresh_from_store(host: EngineHost, te: TenantEngine) -> None:
    """Apply the stored rules, silences and routing to ``te`` (its lock held), then checkpoint it."""
    async with read(host.db) as s:
        rows = await RuleRepository(s, te.tenant).all_rules(enabled_only=True)
        silences = [silence_from_row(r) for r in await SilenceRepository(s, te.tenant).all_silences()]
        routing = await load_routing(s, te.tenant)
    stored: dict[str, tuple[str, Any]] = {}
    for row in rows:
        try:
            stored[row.name] = (row.id, rule_from_row(row))
        except Exception:
            log.exception("stored rule no longer parses; it is skipped", tenant=te.tenant, rule=row.name)
    for name in [n for n in te.rule_ids if n not in stored]:
        te.engine.remove_rule(name)
        te.rule_ids.pop(name, None)
    for name, (rule_id, rule) in stored.items():
        te.engine.add_rule(rule)  # the same revision again is a no-op: its state is kept
        te.rule_ids[name] = rule_id
    te.engine.set_silences(silences)
    te.engine.set_routing(routing)
    await apply_stored_lists(host.db, te.tenant, te.engine, te.rule_ids)
    await host.checkpoint(te)  # a replay must not apply the records before it with the new rules
