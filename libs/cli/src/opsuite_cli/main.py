"""``opsuite``: the command line for people.

Targets come from --api-manager/--cep/--ops (or OPSUITE_API_MANAGER_TARGET, ...); the token from
--token / OPSUITE_TOKEN, or a development token minted from ./dev up's .run/jwt-secret.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from google.protobuf import json_format

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite_cli.ask import ask
from opsuite_cli.context import CliContext
from opsuite_cli.documents import load_documents
from opsuite_cli.events import publish, watch_alerts
from opsuite_cli.kinds import KINDS
from opsuite_cli.output import console, print_error, print_json, print_table
from opsuite_common.devtoken import mint_from_args
from opsuite_common.errors import OpsuiteError, ValidationError
from opsuite_common.logging import configure_logging
from opsuite_common.protoconv import dict_to_struct

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Operate opsuite: apply, get, execute, ask.")
T = TypeVar("T")


@app.callback()
def _root(
    typer_ctx: typer.Context,
    api_manager: Annotated[str, typer.Option(envvar="OPSUITE_API_MANAGER_TARGET")] = "127.0.0.1:50051",
    cep: Annotated[str, typer.Option(envvar="OPSUITE_CEP_TARGET")] = "127.0.0.1:50052",
    ops: Annotated[str, typer.Option(envvar="OPSUITE_OPS_TARGET")] = "127.0.0.1:50053",
    token: Annotated[str | None, typer.Option(envvar="OPSUITE_TOKEN", help="bearer token")] = None,
    timeout: Annotated[float, typer.Option(help="seconds per call")] = 30.0,
) -> None:
    # Library log lines (retries, breaker changes) are for services; a person sees warnings only.
    configure_logging("cli", level="WARNING", fmt="console", stream=sys.stderr)
    typer_ctx.obj = CliContext(api_manager=api_manager, cep=cep, ops=ops, token=token, timeout_s=timeout)


def _run(fn: Callable[..., Awaitable[T]]) -> Callable[..., T]:
    """Run an async command; typed errors become a readable message and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        ctx: CliContext = kwargs.pop("typer_ctx").obj

        async def main() -> T:
            try:
                return await fn(ctx, *args, **kwargs)
            finally:
                await ctx.close()

        try:
            return asyncio.run(main())
        except OpsuiteError as exc:
            print_error(exc)
            raise typer.Exit(1) from None

    # Typer reads the signature: the command's own options, with typer's Context in place of ours.
    sig = inspect.signature(fn, eval_str=True)
    typer_ctx = inspect.Parameter("typer_ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    del wrapper.__wrapped__
    wrapper.__signature__ = sig.replace(parameters=[typer_ctx, *list(sig.parameters.values())[1:]])  # type: ignore[attr-defined]
    return wrapper


def _kind(name: str) -> str:
    for kind in KINDS.values():
        if name == kind.name or name.lower() in kind.aliases:
            return kind.name
    raise ValidationError.for_field("kind", f"unknown kind {name!r}; one of {', '.join(KINDS)}")


@app.command()
def token(
    tenant: str = "demo",
    subject: str = "dev",
    role: Annotated[list[str] | None, typer.Option(help="viewer, editor or admin (repeatable)")] = None,
    ttl: float = 24 * 3600,
) -> None:
    """Mint a development token (signed with OPSUITE_AUTH_JWT_SECRET or .run/jwt-secret)."""
    args = ["--tenant", tenant, "--subject", subject, "--ttl", str(ttl)]
    for r in role or ["admin"]:
        args += ["--role", r]
    console.print(mint_from_args(args), highlight=False, soft_wrap=True)


@app.command()
@_run
async def apply(
    ctx: CliContext,
    file: Annotated[Path, typer.Option("-f", "--file", exists=True, help="a YAML file or a folder of them")],
) -> None:
    """Create or update resources by name from YAML documents; prints what changed (idempotent)."""
    docs = load_documents(file)
    for doc in docs:
        if doc.kind not in KINDS:
            raise ValidationError.for_field(doc.source, f"kind {doc.kind} is not supported by this CLI yet")
    changed = 0
    for doc in docs:
        try:
            outcome = await KINDS[doc.kind].apply(ctx, doc)
        except OpsuiteError as exc:
            exc.message = f"{doc.ref} ({doc.source}): {exc.message}"
            raise
        changed += outcome != "unchanged"
        console.print(f"{doc.ref} {outcome}", highlight=False)
    console.print(f"{changed} changed, {len(docs) - changed} unchanged", style="dim")


@app.command()
@_run
async def get(
    ctx: CliContext,
    kind: Annotated[str, typer.Argument(help="datasource, api, ...")],
    name: Annotated[str | None, typer.Argument()] = None,
    output: Annotated[str, typer.Option("-o", "--output", help="table or json")] = "table",
) -> None:
    """Show one resource by name, or list a kind."""
    rows = await KINDS[_kind(kind)].get(ctx, name)
    if output == "json" or name:
        print_json(rows[0] if name else rows)
        return
    cols = (
        ["definition.name", "definition.kind", "version", "definition.enabled"]
        if _kind(kind) == "Api"
        else ["name", "url"]
    )
    print_table(rows, cols)


@app.command()
@_run
async def delete(ctx: CliContext, kind: str, name: str) -> None:
    """Delete a resource by kind and name."""
    await KINDS[_kind(kind)].delete(ctx, name)
    console.print(f"{_kind(kind).lower()}/{name} deleted")


@app.command()
@_run
async def execute(
    ctx: CliContext,
    name: str,
    param: Annotated[
        list[str] | None, typer.Option("-p", "--param", help="key=value (repeatable; JSON values allowed)")
    ] = None,
    params_json: Annotated[str | None, typer.Option("--params", help="all params as a JSON object")] = None,
) -> None:
    """Execute an API by name and print its result."""
    params: dict[str, Any] = json.loads(params_json) if params_json else {}
    for item in param or []:
        key, sep, raw = item.partition("=")
        if not sep:
            raise ValidationError.for_field("--param", f"{item!r} must be key=value")
        try:
            params[key] = json.loads(raw)
        except json.JSONDecodeError:
            params[key] = raw
    resp = await ctx.api_manager_client().rpc.ExecuteApi(am.ExecuteApiRequest(name=name, params=dict_to_struct(params)))
    result = json_format.MessageToDict(resp)
    if resp.HasField("sql"):
        cols = [c.name for c in resp.sql.columns]
        rows = [
            dict(zip(cols, r.get("values", []) if isinstance(r, dict) else r, strict=False))
            for r in result["sql"].get("rows", [])
        ]
        print_table(rows, cols)
        console.print(
            f"{resp.sql.row_count} row(s){' (truncated)' if resp.sql.truncated else ''}, execution {resp.execution_id}",
            style="dim",
        )
    else:
        print_json(result.get("json"))
        console.print(f"execution {resp.execution_id}", style="dim")


@app.command("publish")
@_run
async def publish_command(
    ctx: CliContext,
    file: Annotated[Path, typer.Argument(exists=True, help="JSON lines: {id, type, source, key, time, attributes}")],
    batch: Annotated[int, typer.Option(min=1, max=10000)] = 500,
) -> None:
    """Publish events to cep from a JSONL file, with a progress bar; shows the alerts they changed."""
    await publish(ctx, file, batch)


alerts_app = typer.Typer(help="Follow and inspect cep alerts.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("watch")
@_run
async def alerts_watch(
    ctx: CliContext,
    after: Annotated[int, typer.Option(help="replay changes after this cursor (0: all history)")] = 0,
    rule: Annotated[str | None, typer.Option(help="only this rule")] = None,
) -> None:
    """Print alert changes as they happen (Ctrl-C to stop); resume with --after <last cursor>."""
    try:
        await watch_alerts(ctx, after, rule)
    except KeyboardInterrupt:
        pass


@app.command("ask")
@_run
async def ask_command(
    ctx: CliContext,
    question: str,
    mode: Annotated[str | None, typer.Option(help="all, config, metric, history, graph, document")] = None,
) -> None:
    """Ask ops a question: shows the phases and tool calls live, then the answer, its references and status.

    Exit codes:
    0 the answer is COMPLETE;
    3 PARTIAL: part of it is missing or cut (the reasons are printed);
    4 UNANSWERED, or the server gave no status, or no answer arrived;
    1 the call failed (the error is shown); 2 usage error.
    """
    code = await ask(ctx, question, mode)
    if code:
        raise typer.Exit(code)


if __name__ == "__main__":
    app()
