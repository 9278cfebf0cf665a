"""RPC handlers: thin proto <-> use-case translation, one role per RPC, the caller's tenant everywhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import empty_pb2

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite.apimanager.v1 import api_manager_pb2_grpc
from opsuite.common.v1 import common_pb2
from opsuite_api_manager.app import (
    ApiFilter,
    ApiRef,
    ApiService,
    Caller,
    DataSourceInput,
    DataSourceRef,
    DataSourceService,
    ExecutionFilter,
    ExecutionService,
)
from opsuite_common.auth import Role, current_identity, requires
from opsuite_common.context import current_request_id
from opsuite_common.errors import ValidationError
from opsuite_common.paging import fit_page, list_budget, page_size
from opsuite_common.protoconv import duration_to_seconds, enum_name, seconds_to_duration, timestamp_to_dt
from opsuite_common.ratelimit import EXECUTION, STREAM, holds_slots

from .convert import (
    api_to_proto,
    data_source_to_proto,
    definition_from_proto,
    execution_to_proto,
    input_from,
    outcome_to_proto,
    params_from,
    row_batch,
    version_to_proto,
)

__all__ = ["Handlers", "Services"]


@dataclass(frozen=True, slots=True)
class Services:
    """The use cases the handlers call."""

    apis: ApiService
    executions: ExecutionService
    data_sources: DataSourceService
    #: Byte budget of one list page (half the max message size): a page stops early rather than overflow.
    page_budget: int = list_budget(16 * 1024 * 1024)


def _caller() -> Caller:
    ident = current_identity()
    return Caller(tenant=ident.tenant, subject=ident.subject, request_id=current_request_id() or "")


def _ds_ref(request: pb.GetDataSourceRequest | pb.DeleteDataSourceRequest | pb.TestDataSourceRequest) -> DataSourceRef:
    which = request.WhichOneof("ref")
    if which is None or not getattr(request, which):
        raise ValidationError.for_field("ref", "give the data source's id or name")
    return DataSourceRef(id=request.id, name=request.name)


def _api_ref(request: pb.GetApiRequest | pb.ExecuteApiRequest) -> ApiRef:
    which = request.WhichOneof("ref")
    if which is None or not getattr(request, which):
        raise ValidationError.for_field("ref", "give the API's id or name")
    return ApiRef(id=request.id, name=request.name)


def _required(value: str, field: str) -> str:
    if not value:
        raise ValidationError.for_field(field, "is required")
    return value


class Handlers(api_manager_pb2_grpc.ApiManagerServiceServicer):
    """Every RPC of ApiManagerService."""

    def __init__(self, services: Services) -> None:
        """Bind the use cases."""
        self.s = services

    # ---------------------------------------------------------------- data sources (admin)

    @requires(Role.ADMIN)
    async def CreateDataSource(
        self, request: pb.CreateDataSourceRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.DataSource:
        """Store a data source (URL encrypted)."""
        row = await self.s.data_sources.create(
            _caller(),
            DataSourceInput(
                name=request.name,
                url=request.url,
                description=request.description,
                pool_size=request.pool_size,
                connect_timeout_s=duration_to_seconds(request.connect_timeout) or 0.0,
                statement_timeout_s=duration_to_seconds(request.statement_timeout) or 0.0,
            ),
        )
        return data_source_to_proto(row)

    @requires(Role.ADMIN)
    async def GetDataSource(
        self, request: pb.GetDataSourceRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.DataSource:
        """One data source, URL masked."""
        return data_source_to_proto(await self.s.data_sources.get(_caller(), _ds_ref(request)))

    @requires(Role.ADMIN)
    async def ListDataSources(
        self, request: pb.ListDataSourcesRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ListDataSourcesResponse:
        """A page of data sources."""
        page = await self.s.data_sources.list_data_sources(
            _caller(), page_size(request.page.page_size), request.page.page_token
        )
        data_sources, token = fit_page(page, data_source_to_proto, budget=self.s.page_budget)
        return pb.ListDataSourcesResponse(
            data_sources=data_sources, page=common_pb2.PageResponse(next_page_token=token)
        )

    @requires(Role.ADMIN)
    async def DeleteDataSource(
        self, request: pb.DeleteDataSourceRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> empty_pb2.Empty:
        """Delete a data source."""
        await self.s.data_sources.delete(_caller(), _ds_ref(request))
        return empty_pb2.Empty()

    @requires(Role.ADMIN)
    async def TestDataSource(
        self, request: pb.TestDataSourceRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.TestDataSourceResponse:
        """Connect and run SELECT 1."""
        check = await self.s.data_sources.test(_caller(), _ds_ref(request))
        return pb.TestDataSourceResponse(
            ok=check.ok, latency=seconds_to_duration(check.duration_ms / 1000), error="" if check.ok else check.message
        )

    # ---------------------------------------------------------------- APIs

    @requires(Role.EDITOR)
    async def CreateApi(self, request: pb.CreateApiRequest, context: grpc.aio.ServicerContext[Any, Any]) -> pb.Api:
        """Create an API (version 1)."""
        return api_to_proto(await self.s.apis.create(_caller(), definition_from_proto(request.api)))

    @requires(Role.VIEWER)
    async def GetApi(self, request: pb.GetApiRequest, context: grpc.aio.ServicerContext[Any, Any]) -> pb.Api:
        """A live API by id or name."""
        return api_to_proto(await self.s.apis.get(_caller(), _api_ref(request)))

    @requires(Role.VIEWER)
    async def ListApis(
        self, request: pb.ListApisRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ListApisResponse:
        """A filtered page of APIs."""
        f = ApiFilter(
            kind=enum_name(pb.ApiKind, request.kind, "kind") if request.kind else "",
            tag=request.tag,
            enabled=request.enabled if request.HasField("enabled") else None,
            query=request.query,
            expose_as_tool=request.expose_as_tool if request.HasField("expose_as_tool") else None,
        )
        page = await self.s.apis.list_apis(_caller(), f, page_size(request.page.page_size), request.page.page_token)
        apis, token = fit_page(page, api_to_proto, budget=self.s.page_budget)
        return pb.ListApisResponse(apis=apis, page=common_pb2.PageResponse(next_page_token=token))

    @requires(Role.EDITOR)
    async def UpdateApi(self, request: pb.UpdateApiRequest, context: grpc.aio.ServicerContext[Any, Any]) -> pb.Api:
        """Replace the definition (etag-checked)."""
        row = await self.s.apis.update(
            _caller(), _required(request.id, "id"), definition_from_proto(request.api), request.etag
        )
        return api_to_proto(row)

    @requires(Role.EDITOR)
    async def DeleteApi(
        self, request: pb.DeleteApiRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> empty_pb2.Empty:
        """Delete the API and its versions."""
        await self.s.apis.delete(_caller(), _required(request.id, "id"), request.etag)
        return empty_pb2.Empty()

    @requires(Role.VIEWER)
    async def ListApiVersions(
        self, request: pb.ListApiVersionsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ListApiVersionsResponse:
        """Versions of an API."""
        page = await self.s.apis.list_versions(
            _caller(), _required(request.api_id, "api_id"), page_size(request.page.page_size), request.page.page_token
        )
        versions, token = fit_page(page, version_to_proto, budget=self.s.page_budget)
        return pb.ListApiVersionsResponse(versions=versions, page=common_pb2.PageResponse(next_page_token=token))

    @requires(Role.VIEWER)
    async def GetApiVersion(
        self, request: pb.GetApiVersionRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ApiVersion:
        """One version."""
        return version_to_proto(
            await self.s.apis.get_version(_caller(), _required(request.api_id, "api_id"), request.version)
        )

    @requires(Role.EDITOR)
    async def RollbackApi(self, request: pb.RollbackApiRequest, context: grpc.aio.ServicerContext[Any, Any]) -> pb.Api:
        """Make version N current again (as a new version)."""
        if request.version <= 0:
            raise ValidationError.for_field("version", "must be a version number >= 1")
        row = await self.s.apis.rollback(_caller(), _required(request.api_id, "api_id"), request.version, request.etag)
        return api_to_proto(row)

    # ---------------------------------------------------------------- execution

    @requires(Role.VIEWER)
    @holds_slots(EXECUTION)
    async def ExecuteApi(
        self, request: pb.ExecuteApiRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ExecuteApiResponse:
        """Execute by id or name; the caller's deadline bounds the API's timeout."""
        outcome = await self.s.executions.execute(
            _caller(),
            _api_ref(request),
            params_from(request.params),
            input_from(request.input, request.HasField("input")),
            context.time_remaining(),
        )
        return outcome_to_proto(outcome)

    @requires(Role.VIEWER)
    @holds_slots(EXECUTION, STREAM)
    async def ExecuteApiStream(
        self, request: pb.ExecuteApiRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[pb.ExecuteApiChunk]:
        """Header, row batches, summary (SQL); one summary for the other kinds."""
        events = await self.s.executions.execute_stream(
            _caller(),
            _api_ref(request),
            params_from(request.params),
            input_from(request.input, request.HasField("input")),
            context.time_remaining(),
        )
        # Closed with this handler (the caller went away, or stopped reading), so the execution is
        # recorded and its connection released now.
        async with aclosing(events) as stream:
            async for event in stream:
                if event.kind == "header" and event.outcome is not None:
                    yield pb.ExecuteApiChunk(header=outcome_to_proto(event.outcome, with_rows=False))
                elif event.kind == "rows" and event.rows is not None:
                    yield pb.ExecuteApiChunk(rows=event.wire if event.wire is not None else row_batch(event.rows))
                elif event.outcome is not None:
                    summary = outcome_to_proto(event.outcome, with_rows=event.outcome.kind != "SQL")
                    yield pb.ExecuteApiChunk(summary=summary)

    @requires(Role.EDITOR)
    @holds_slots(EXECUTION)
    async def DryRunApi(
        self, request: pb.DryRunApiRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ExecuteApiResponse:
        """Run an unsaved definition; nothing is stored."""
        outcome = await self.s.executions.dry_run(
            _caller(),
            definition_from_proto(request.api),
            params_from(request.params),
            input_from(request.input, request.HasField("input")),
            context.time_remaining(),
        )
        return outcome_to_proto(outcome)

    @requires(Role.VIEWER)
    async def ValidateApi(
        self, request: pb.ValidateApiRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ValidateApiResponse:
        """Violations as data (valid=false), not as an error."""
        try:
            report = await self.s.apis.validate(_caller(), definition_from_proto(request.api))
        except ValidationError as exc:
            return pb.ValidateApiResponse(
                valid=False,
                violations=[pb.Violation(field=v.field, description=v.description) for v in exc.field_violations],
            )
        return pb.ValidateApiResponse(
            valid=report.valid,
            violations=[pb.Violation(field=v.field, description=v.description) for v in report.violations],
            notes=report.notes,
        )

    # ---------------------------------------------------------------- execution log

    @requires(Role.VIEWER)
    async def ListExecutions(
        self, request: pb.ListExecutionsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.ListExecutionsResponse:
        """Executions, newest first, filtered by API, status and time."""
        f = ExecutionFilter(
            api_id=request.api_id,
            status=enum_name(pb.ExecutionStatus, request.status, "status") if request.status else "",
            since=timestamp_to_dt(request.since, "since") if request.HasField("since") else None,
            until=timestamp_to_dt(request.until, "until") if request.HasField("until") else None,
        )
        page = await self.s.executions.list_executions(
            _caller(), f, page_size(request.page.page_size), request.page.page_token
        )
        executions, token = fit_page(page, execution_to_proto, budget=self.s.page_budget)
        return pb.ListExecutionsResponse(executions=executions, page=common_pb2.PageResponse(next_page_token=token))

    @requires(Role.VIEWER)
    async def GetExecution(
        self, request: pb.GetExecutionRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.Execution:
        """One execution with its step logs and script log lines."""
        row = await self.s.executions.get_execution(_caller(), _required(request.id, "id"))
        return execution_to_proto(row, detail=True)
