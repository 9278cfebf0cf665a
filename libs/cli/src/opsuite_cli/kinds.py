"""How ``apply``, ``get`` and ``delete`` talk to the services for each kind of resource."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite.cep.v1 import cep_pb2 as cep
from opsuite_cli.context import CliContext
from opsuite_cli.documents import Document
from opsuite_cli.listing import fetch
from opsuite_common.errors import NotFoundError
from opsuite_common.protoconv import dict_to_struct, struct_to_dict
from opsuite_common.secretscope import mask_url

__all__ = ["KINDS", "Kind"]


@dataclass(frozen=True)
class Kind:
    """Operations on one kind of resource; ``apply`` returns created / configured / unchanged."""

    name: str
    aliases: tuple[str, ...]
    apply: Callable[[CliContext, Document], Awaitable[str]]
    get: Callable[[CliContext, str | None], Awaitable[list[dict[str, Any]]]]
    delete: Callable[[CliContext, str], Awaitable[None]]
    #: What ``opsuite get KIND`` shows as a table: paths into the JSON of each resource.
    columns: tuple[str, ...]


def _dict(msg: Any) -> dict[str, Any]:
    return json_format.MessageToDict(msg, preserving_proto_field_name=False)


def _pruned(value: Any) -> Any:
    """Drop empty sub-messages, so a server that materialises an empty message compares equal to omission."""
    if isinstance(value, dict):
        out = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v != {}}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


# ---------------------------------------------------------------- api_manager: data sources


async def _apply_data_source(ctx: CliContext, doc: Document) -> str:
    client = ctx.api_manager_client().rpc
    desired = am.CreateDataSourceRequest(name=doc.name)
    json_format.ParseDict(doc.spec, desired, ignore_unknown_fields=False)
    desired.name = doc.name
    try:
        current = await client.GetDataSource(am.GetDataSourceRequest(name=doc.name))
    except NotFoundError:
        await client.CreateDataSource(desired)
        return "created"
    same = current.description == desired.description and current.url == mask_url(desired.url)
    if same:
        return "unchanged"
    # Data sources have no update: replace (APIs refer to them by name, so they keep working).
    await client.DeleteDataSource(am.DeleteDataSourceRequest(name=doc.name))
    await client.CreateDataSource(desired)
    return "configured"


async def _get_data_sources(ctx: CliContext, name: str | None) -> list[dict[str, Any]]:
    client = ctx.api_manager_client().rpc
    if name:
        return [_dict(await client.GetDataSource(am.GetDataSourceRequest(name=name)))]
    return [_dict(d) for d in (await client.ListDataSources(am.ListDataSourcesRequest())).data_sources]


async def _delete_data_source(ctx: CliContext, name: str) -> None:
    await ctx.api_manager_client().rpc.DeleteDataSource(am.DeleteDataSourceRequest(name=name))


# ---------------------------------------------------------------- api_manager: APIs


async def _apply_api(ctx: CliContext, doc: Document) -> str:
    client = ctx.api_manager_client().rpc
    desired = am.ApiDefinition()
    json_format.ParseDict({**doc.spec, "name": doc.name}, desired)
    try:
        current = await client.GetApi(am.GetApiRequest(name=doc.name))
    except NotFoundError:
        await client.CreateApi(am.CreateApiRequest(api=desired))
        return "created"
    if _pruned(_dict(current.definition)) == _pruned(_dict(desired)):
        return "unchanged"
    await client.UpdateApi(am.UpdateApiRequest(id=current.meta.id, api=desired, etag=current.meta.etag))
    return "configured"


async def _get_apis(ctx: CliContext, name: str | None) -> list[dict[str, Any]]:
    client = ctx.api_manager_client().rpc
    if name:
        return [_dict(await client.GetApi(am.GetApiRequest(name=name)))]
    apis, _ = await fetch(client.ListApis, am.ListApisRequest(), "apis", None)
    return [_dict(a) for a in apis]


async def _delete_api(ctx: CliContext, name: str) -> None:
    client = ctx.api_manager_client().rpc
    current = await client.GetApi(am.GetApiRequest(name=name))
    await client.DeleteApi(am.DeleteApiRequest(id=current.meta.id))


# ---------------------------------------------------------------- cep: rules and channels


async def _apply_rule(ctx: CliContext, doc: Document) -> str:
    client = ctx.cep_client().rpc
    # The server records a rule as enabled unless told otherwise; compare against the same default.
    desired = {"enabled": True, **doc.spec, "name": doc.name}
    try:
        current = await client.GetRule(cep.GetRuleRequest(name=doc.name))
    except NotFoundError:
        await client.CreateRule(cep.CreateRuleRequest(definition=dict_to_struct(desired, "spec")))
        return "created"
    if _pruned(struct_to_dict(current.definition)) == _pruned(struct_to_dict(dict_to_struct(desired))):
        return "unchanged"
    await client.UpdateRule(
        cep.UpdateRuleRequest(id=current.meta.id, definition=dict_to_struct(desired, "spec"), etag=current.meta.etag)
    )
    return "configured"


async def _get_rules(ctx: CliContext, name: str | None) -> list[dict[str, Any]]:
    client = ctx.cep_client().rpc
    if name:
        return [_dict(await client.GetRule(cep.GetRuleRequest(name=name)))]
    rules, _ = await fetch(client.ListRules, cep.ListRulesRequest(), "rules", None)  # every page
    return [_dict(r) for r in rules]


async def _delete_rule(ctx: CliContext, name: str) -> None:
    client = ctx.cep_client().rpc
    current = await client.GetRule(cep.GetRuleRequest(name=name))
    await client.DeleteRule(cep.DeleteRuleRequest(id=current.meta.id))


#: cep's write-only channel config keys (the server never returns them; it lists them in secrets_set).
_SECRET_KEYS = ("secret", "password", "secret_headers")


async def _apply_channel(ctx: CliContext, doc: Document) -> str:
    client = ctx.cep_client().rpc
    kind, config = str(doc.spec.get("kind", "")), dict(doc.spec.get("config") or {})
    try:
        current = await client.GetChannel(cep.GetChannelRequest(name=doc.name))
    except NotFoundError:
        await client.CreateChannel(
            cep.CreateChannelRequest(name=doc.name, kind=kind, config=dict_to_struct(config, "spec.config"))
        )
        return "created"
    # Secrets are write-only: compare what can be read back, and whether each secret is set.
    # A URL's password is shown masked (the same masking function as cep's).
    visible = {k: mask_url(v) if k == "url" and isinstance(v, str) else v for k, v in config.items()}
    visible = {k: v for k, v in visible.items() if k not in _SECRET_KEYS}
    secrets_match = {k for k in config if k in _SECRET_KEYS} == set(current.secrets_set)
    if current.kind == kind and struct_to_dict(current.config) == visible and secrets_match:
        return "unchanged"
    await client.UpdateChannel(
        cep.UpdateChannelRequest(
            id=current.meta.id, config=dict_to_struct(config, "spec.config"), etag=current.meta.etag
        )
    )
    return "configured"


async def _get_channels(ctx: CliContext, name: str | None) -> list[dict[str, Any]]:
    client = ctx.cep_client().rpc
    if name:
        return [_dict(await client.GetChannel(cep.GetChannelRequest(name=name)))]
    channels, _ = await fetch(client.ListChannels, cep.ListChannelsRequest(), "channels", None)  # every page
    return [_dict(c) for c in channels]


async def _delete_channel(ctx: CliContext, name: str) -> None:
    client = ctx.cep_client().rpc
    current = await client.GetChannel(cep.GetChannelRequest(name=name))
    await client.DeleteChannel(cep.DeleteChannelRequest(id=current.meta.id))


# ---------------------------------------------------------------- cep: alert routing (one per tenant)


async def _apply_routing(ctx: CliContext, doc: Document) -> str:
    client = ctx.cep_client().rpc
    desired = dict_to_struct(doc.spec, "spec")
    try:
        current = await client.GetRouting(cep.GetRoutingRequest())
    except NotFoundError:
        await client.SetRouting(cep.SetRoutingRequest(config=desired))
        return "created"
    if struct_to_dict(current.config) == struct_to_dict(desired):
        return "unchanged"
    await client.SetRouting(cep.SetRoutingRequest(config=desired, etag=current.meta.etag))
    return "configured"


async def _get_routing(ctx: CliContext, name: str | None) -> list[dict[str, Any]]:
    try:
        return [_dict(await ctx.cep_client().rpc.GetRouting(cep.GetRoutingRequest()))]
    except NotFoundError:
        if name:
            raise
        return []


async def _delete_routing(ctx: CliContext, name: str) -> None:
    await ctx.cep_client().rpc.DeleteRouting(cep.DeleteRoutingRequest())


KINDS: dict[str, Kind] = {
    "DataSource": Kind(
        "DataSource",
        ("datasource", "datasources", "ds"),
        _apply_data_source,
        _get_data_sources,
        _delete_data_source,
        ("name", "dialect", "url"),
    ),
    "Api": Kind(
        "Api",
        ("api", "apis"),
        _apply_api,
        _get_apis,
        _delete_api,
        ("definition.name", "definition.kind", "version", "definition.enabled"),
    ),
    "Channel": Kind(
        "Channel", ("channel", "channels"), _apply_channel, _get_channels, _delete_channel, ("name", "kind", "enabled")
    ),
    "Rule": Kind(
        "Rule",
        ("rule", "rules"),
        _apply_rule,
        _get_rules,
        _delete_rule,
        ("name", "kind", "definition.severity", "enabled"),
    ),
    # A tenant has one routing config: the document's name is only a label.
    "AlertRouting": Kind(
        "AlertRouting",
        ("alertrouting", "routing"),
        _apply_routing,
        _get_routing,
        _delete_routing,
        ("config.route.receiver", "revision", "meta.updateTime", "meta.updatedBy"),
    ),
}
