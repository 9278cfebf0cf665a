"""Rule RPCs: CRUD, enable/disable, validate, TestRule, GetRuleStats."""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf import empty_pb2

from opsuite.cep.v1 import cep_pb2
from opsuite.common.v1 import common_pb2
from opsuite_cep.app.wiring import App
from opsuite_cep.domain import parsed_conditions
from opsuite_cep.servicers.convert import (
    duration,
    events_from_proto,
    ingest_to_test_response,
    rule_to_proto,
    struct_py,
    ts,
)
from opsuite_common.auth import Role, current_identity, requires
from opsuite_common.paging import fit_page, list_budget, page_size
from opsuite_common.protoconv import timestamp_to_dt

__all__ = ["RuleRpcs"]


class RuleRpcs:
    """Rule handlers (editor writes, viewer reads)."""

    app: App

    @requires(Role.EDITOR)
    async def CreateRule(
        self, request: cep_pb2.CreateRuleRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Rule:
        """Create a rule."""
        return rule_to_proto(await self.app.rules.create(current_identity(), struct_py(request.definition)))

    @requires(Role.VIEWER)
    async def GetRule(
        self, request: cep_pb2.GetRuleRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Rule:
        """A rule by id or name."""
        row = await self.app.rules.get(current_identity().tenant, request.id, request.name)
        return rule_to_proto(row)

    @requires(Role.VIEWER)
    async def ListRules(
        self, request: cep_pb2.ListRulesRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.ListRulesResponse:
        """Rules by name."""
        page = await self.app.rules.list_rules(
            current_identity().tenant,
            kind=request.kind,
            size=page_size(request.page.page_size),
            token=request.page.page_token,
        )
        rules, token = fit_page(page, rule_to_proto, budget=list_budget(self.app.settings.max_message_bytes))
        return cep_pb2.ListRulesResponse(rules=rules, page=common_pb2.PageResponse(next_page_token=token))

    @requires(Role.EDITOR)
    async def UpdateRule(
        self, request: cep_pb2.UpdateRuleRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Rule:
        """Replace a rule's definition."""
        row = await self.app.rules.update(current_identity(), request.id, struct_py(request.definition), request.etag)
        return rule_to_proto(row)

    @requires(Role.EDITOR)
    async def DeleteRule(
        self, request: cep_pb2.DeleteRuleRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> empty_pb2.Empty:
        """Delete a rule."""
        await self.app.rules.delete(current_identity(), request.id)
        return empty_pb2.Empty()

    @requires(Role.EDITOR)
    async def EnableRule(
        self, request: cep_pb2.SetRuleEnabledRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Rule:
        """Enable a rule."""
        return rule_to_proto(await self.app.rules.set_enabled(current_identity(), request.id, True, request.etag))

    @requires(Role.EDITOR)
    async def DisableRule(
        self, request: cep_pb2.SetRuleEnabledRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Rule:
        """Disable a rule."""
        return rule_to_proto(await self.app.rules.set_enabled(current_identity(), request.id, False, request.etag))

    @requires(Role.VIEWER)
    async def ValidateRule(
        self, request: cep_pb2.ValidateRuleRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.ValidateRuleResponse:
        """Field violations of a definition."""
        found = await self.app.rules.validate(current_identity().tenant, struct_py(request.definition))
        return cep_pb2.ValidateRuleResponse(
            valid=not found, violations=[cep_pb2.Violation(field=v.field, description=v.description) for v in found]
        )

    @requires(Role.VIEWER)
    async def TestRule(
        self, request: cep_pb2.TestRuleRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.TestRuleResponse:
        """Dry run on virtual time."""
        s = self.app.settings
        events = events_from_proto(request.events, max_events=s.max_batch_events, max_attr_bytes=s.max_attributes_bytes)
        rule, result = await self.app.rules.test(
            current_identity().tenant,
            rule_id=request.rule_id,
            data=struct_py(request.definition) if request.HasField("definition") else None,
            events=events,
            advance_to=timestamp_to_dt(request.advance_to, "advance_to") if request.HasField("advance_to") else None,
        )
        return ingest_to_test_response(result, parsed_conditions(rule))

    @requires(Role.VIEWER)
    async def GetRuleStats(
        self, request: cep_pb2.GetRuleStatsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.RuleStats:
        """Counters and state size."""
        view = await self.app.rules.stats(current_identity().tenant, request.rule_id)
        out = cep_pb2.RuleStats(rule=view.rule)
        if view.engine is not None:
            e = view.engine
            out.MergeFrom(
                cep_pb2.RuleStats(
                    events_evaluated=e.events_evaluated,
                    filter_evaluations=e.filter_evaluations,
                    matches=e.matches,
                    alerts_fired=e.alerts_fired,
                    late_events=e.late_events,
                    evicted=e.evicted,
                    dropped=e.dropped,
                    eval_time_avg=duration(e.eval_time_avg),
                    eval_time_p99=duration(e.eval_time_p99),
                    keys=e.keys,
                    open_windows=e.open_windows,
                    partial_matches=e.partial_matches,
                    buffered_events=e.buffered_events,
                    active_alerts=e.active_alerts,
                )
            )
        if view.schedule:
            nxt = view.schedule.get("next_run")
            out.schedule_runs = view.schedule["runs"]
            out.schedule_failures = view.schedule["failures"]
            out.schedule_last_error = view.schedule["last_error"]
            if nxt is not None:
                out.schedule_next_run.CopyFrom(ts(nxt.timestamp()))
        if view.expected_keys is not None:
            k = view.expected_keys
            status = cep_pb2.ExpectedKeysStatus(
                source=k["source"],
                count=k["count"],
                truncated=k.get("truncated", False),
                last_error=k.get("last_error", ""),
                consecutive_failures=k.get("consecutive_failures", 0),
            )
            for name in ("refreshed_at", "last_attempt_at", "next_refresh_at"):
                if k.get(name) is not None:
                    getattr(status, name).CopyFrom(ts(k[name].timestamp()))
            out.expected_keys.CopyFrom(status)
        return out
