"""Absent keys in the service (docs/cep-semantics.md, Absent keys #27-#28; README, Absent keys).

An ABSENCE rule with ``expected_keys`` watches a static list (part of the rule, given to the engine when the
rule is added) or the list an api_manager API returns. The API's list lives in ``cep_expected_keys``:

- :class:`KeyListRefresher` (run by the scheduler's loop) calls the API through the api_manager client
  every ``refresh``, claims each refresh with a compare-and-set (one scheduler of several calls it) and
  stores the keys. A failed refresh (api_manager down, a failed execution, a result without rows or keys)
  keeps the last good list: it writes ``last_error`` and the failure count (GetRuleStats
  ``expected_keys``) and logs a warning. A result beyond ``Limits.max_expected_keys`` is cut, flagged
  ``truncated`` and logged.
- Engines read the stored lists like rules: when a tenant's engine (or a partition's unit) is loaded, after
  a rule change, and when the list changed (the one engine at once, a partition's owner at its next rule
  refresh); each change is followed by a checkpoint. An engine watches only the keys it owns
  (``Engine.owns_key``: a partition's keys).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from opsuite_cep.app._session import read
from opsuite_cep.app.background_runs import BackgroundRuns, fair_order
from opsuite_cep.db.expected_keys import ExpectedKeysRepository
from opsuite_cep.db.models import ExpectedKeysRow, RuleRow
from opsuite_cep.domain import AbsenceSpec, Engine, Limits, Rule, parse_rule
from opsuite_cep.domain.expected_keys import keys_from_result
from opsuite_cep.domain.partitioning import Scope, home_of, partition_of, scope_of
from opsuite_cep.domain.rules import ExpectedKeys
from opsuite_common.db import Database
from opsuite_common.errors import OpsuiteError
from opsuite_common.logging import get_logger

__all__ = [
    "KeyListRefresher",
    "apply_stored_lists",
    "expected_keys_of",
    "expected_keys_status",
    "rule_status",
    "source_of",
    "stored_keys",
    "tenants_watching",
    "units_watching",
    "with_keys",
]

log = get_logger("opsuite.cep.expected_keys")

ExecuteApi = Callable[[str, str, Mapping[str, Any]], Awaitable[dict[str, Any]]]


class KeysHost(Protocol):
    """The tenants' engines in the single-engine mode (``EngineHost``)."""

    async def get(self, tenant: str) -> Any: ...

    async def checkpoint(self, te: Any) -> bool: ...


def expected_keys_of(rule: Rule) -> ExpectedKeys | None:
    """The ``expected_keys`` of an ABSENCE rule, or None."""
    spec = rule.spec
    return spec.expected_keys if isinstance(spec, AbsenceSpec) else None


def source_of(spec: ExpectedKeys) -> str:
    """A digest of where an API's list comes from (API, field, params): a list read elsewhere is not used."""
    text = json.dumps([spec.api, spec.key_field, spec.params], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def stored_keys(spec: ExpectedKeys, row: ExpectedKeysRow | None) -> list[str]:
    """The keys of an API-listed rule in force: the stored list, if it was read from the rule's source."""
    if spec.api is None or row is None or row.source != source_of(spec):
        return []
    return [str(k) for k in json.loads(row.keys)]


def with_keys(rule: Rule, keys: Iterable[str]) -> Rule:
    """``rule`` watching ``keys`` as a static list (TestRule of an API-listed rule: its stored list)."""
    spec = rule.spec
    assert isinstance(spec, AbsenceSpec)
    assert spec.expected_keys is not None
    static = replace(spec.expected_keys, keys=tuple(keys), api=None)
    return replace(rule, spec=replace(spec, expected_keys=static))


async def rule_status(db: Database, rule: Rule, rule_id: str) -> tuple[Rule, dict[str, Any] | None]:
    """A saved rule with its API's stored list as a static one (for TestRule), and its list's status."""
    spec = expected_keys_of(rule)
    if spec is None:
        return rule, None
    row = None
    if spec.api is not None:
        async with read(db) as s:
            row = await ExpectedKeysRepository(s).get(rule_id)
        rule = with_keys(rule, stored_keys(spec, row))
    return rule, expected_keys_status(spec, row)


def _rule_of(row: RuleRow) -> Rule | None:
    try:
        return parse_rule({**json.loads(row.definition), "enabled": row.enabled}, stored=True)
    except (OpsuiteError, ValueError):
        return None


async def apply_stored_lists(db: Database, tenant: str, engine: Engine, rule_ids: Mapping[str, str]) -> tuple[Any, ...]:
    """Give ``engine`` the stored list of each of its API-listed rules; returns the lists' signature (what a
    partition's owner compares to see a change)."""
    rules = [(r.name, spec) for r in engine.rules if (spec := expected_keys_of(r)) is not None and spec.api is not None]
    if not rules:
        return ()
    async with read(db) as s:
        lists = await ExpectedKeysRepository(s).lists(tenant)
    for name, spec in rules:
        engine.set_expected_keys(name, stored_keys(spec, lists.get(rule_ids.get(name, ""))))
    return tuple(sorted((row.rule_id, row.source, row.version) for row in lists.values()))


async def tenants_watching(db: Database) -> list[str]:
    """Tenants with an enabled rule that watches expected keys (their engines run without any event)."""
    async with read(db) as s:
        return sorted({row.tenant for row in await ExpectedKeysRepository(s).absence_rules()})


async def units_watching(db: Database, partition: int, partitions: int) -> list[tuple[str, Scope]]:
    """The (tenant, scope) units of ``partition`` that watch an expected key: keyed rules with a key hashed
    to it, tenant-wide ones at the tenant's home partition. Such a unit runs even if no event reaches it."""
    async with read(db) as s:
        repo = ExpectedKeysRepository(s)
        rows = await repo.absence_rules()
        lists = await repo.lists() if rows else {}
    found: set[tuple[str, Scope]] = set()
    for row in rows:
        rule = _rule_of(row)
        spec = expected_keys_of(rule) if rule is not None else None
        if rule is None or spec is None:
            continue
        scope = scope_of(rule)
        if scope == "tenant":
            if home_of(row.tenant, partitions) == partition:
                found.add((row.tenant, scope))
            continue
        keys = spec.keys if spec.keys is not None else stored_keys(spec, lists.get(row.id))
        if any(partition_of(row.tenant, k, partitions) == partition for k in keys):
            found.add((row.tenant, scope))
    return sorted(found)


def expected_keys_status(spec: ExpectedKeys, row: ExpectedKeysRow | None) -> dict[str, Any]:
    """GetRuleStats' ``expected_keys``: where the list comes from, its size and the latest refresh."""
    if spec.keys is not None:
        return {"source": "static", "count": len(spec.keys)}
    status: dict[str, Any] = {"source": "api", "count": len(stored_keys(spec, row))}
    if row is not None:
        status.update(
            truncated=row.truncated and row.source == source_of(spec),
            refreshed_at=row.refreshed_at,
            last_attempt_at=row.attempted_at,
            last_error=row.last_error,
            consecutive_failures=row.failures,
            next_refresh_at=row.next_refresh_at,
        )
    return status


class KeyListRefresher:
    """Refreshes the lists of API-listed rules of every tenant; the scheduler's loop calls :meth:`start_due`."""

    def __init__(
        self,
        db: Database,
        host: KeysHost,
        execute_api: ExecuteApi,
        *,
        partitioned: bool,
        limits: Limits | None = None,
        runs: BackgroundRuns | None = None,
    ) -> None:
        """``partitioned``: partition owners read changed lists themselves (nothing is pushed to an engine)."""
        self.db, self.host, self.execute_api = db, host, execute_api
        self.partitioned, self.limits = partitioned, limits or Limits()
        #: Refreshes in flight, apart from the scheduler's SCHEDULE runs (so slow runs cannot starve them).
        self.runs = runs or BackgroundRuns(4, 64, "cep-keys")

    async def tick(self, now: datetime) -> int:
        """Refresh every due list this scheduler claims and wait for the refreshes; returns how many it ran."""
        started = await self.start_due(now)
        if started:
            await asyncio.gather(*started)
        return len(started)

    async def start_due(self, now: datetime) -> list[asyncio.Task[Any]]:
        """Start, as background runs within the tenants' share (:attr:`runs`), the due refreshes this
        scheduler claims; returns the runs started."""
        async with read(self.db) as s:
            repo = ExpectedKeysRepository(s)
            rows = await repo.absence_rules()
            stored = await repo.lists()
        listed: list[str] = []
        started: list[asyncio.Task[Any]] = []
        for row in fair_order(rows, lambda r: r.tenant, self.runs.next_turn()):
            rule = _rule_of(row)
            spec = expected_keys_of(rule) if rule is not None else None
            if rule is None or spec is None or spec.api is None:
                continue
            listed.append(row.id)
            current, source = stored.get(row.id), source_of(spec)
            if current is None or current.source != source:  # new, or now reading another API: due at once
                current = await self._plan(row, current, source, now)
            key = f"keys:{row.id}"
            if current is None or now < current.next_refresh_at or self.runs.busy(key):
                continue
            if not self.runs.has_room(row.tenant):
                continue  # stays due: a later round refreshes it
            async with self.db.session() as s:
                won = await ExpectedKeysRepository(s).claim(
                    row.id, current.next_refresh_at, now, now + timedelta(seconds=spec.refresh)
                )
            if won:
                started.append(self.runs.start(key, row.tenant, self._refresh(row, rule, spec, now)))
        if set(stored) - set(listed):
            async with self.db.session() as s:
                await ExpectedKeysRepository(s).forget(listed)
        return started

    async def _plan(
        self, row: RuleRow, seen: ExpectedKeysRow | None, source: str, now: datetime
    ) -> ExpectedKeysRow | None:
        """An empty list due now for a new rule, or for one whose API changed (the old list is another's)."""
        async with self.db.session() as s:
            repo = ExpectedKeysRepository(s)
            if seen is None:
                await repo.plan(row.id, row.tenant, source, now)
            else:
                await repo.reset(row.id, seen.source, source, now)
            found = await repo.get(row.id)
            s.expunge_all()
        return found

    async def _refresh(self, row: RuleRow, rule: Rule, spec: ExpectedKeys, now: datetime) -> None:
        """One refresh: store the keys, or the failure (the list in force stays)."""
        try:
            result = await self.execute_api(row.tenant, spec.api or "", spec.params)
            found = keys_from_result(result, spec.key_field, self.limits)
        except Exception as exc:  # whatever went wrong, the last good list stays and the loop goes on
            error = f"{exc.reason}: {exc.message}" if isinstance(exc, OpsuiteError) else f"API_RESULT_UNUSABLE: {exc}"
            log.warning(
                "expected keys not refreshed; the last good list stays in force",
                tenant=row.tenant,
                rule=rule.name,
                api=spec.api,
                error=error,
            )
            async with self.db.session() as s:
                await ExpectedKeysRepository(s).failed(row.id, error)
            return
        if found.truncated:
            log.warning(
                "expected keys cut at the limit",
                tenant=row.tenant,
                rule=rule.name,
                api=spec.api,
                kept=len(found.keys),
                limit=self.limits.max_expected_keys,
            )
        async with self.db.session() as s:
            changed = await ExpectedKeysRepository(s).store(row.id, source_of(spec), found.keys, found.truncated, now)
        if changed and not self.partitioned:
            await self._push(row.tenant)

    async def _push(self, tenant: str) -> None:
        """The one engine of ``tenant`` (loaded if need be) takes the changed list now, then a checkpoint: as
        after a rule change, a replay must not apply the records before it with the new list."""
        te = await self.host.get(tenant)
        async with te.lock:
            await apply_stored_lists(self.db, tenant, te.engine, te.rule_ids)
            await self.host.checkpoint(te)
