"""``opsuite``: the command line for people.

Targets come from --api-manager/--cep/--ops (or OPSUITE_API_MANAGER_TARGET, ...); the token from
--token / OPSUITE_TOKEN, or a development token minted from ./dev up's .run/jwt-secret; TLS from --tls-ca,
--tls-cert, --tls-key, --tls-server-name (or the services' own OPSUITE_CLIENT_TLS_* variables).
"""

from __future__ import annotations

import contextlib
import enum
import io
import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from google.protobuf import json_format

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite_cli.alerts import alerts_app
from opsuite_cli.ask import ask
from opsuite_cli.command import OneLineErrors, async_command
from opsuite_cli.context import CliContext
from opsuite_cli.documents import load_documents
from opsuite_cli.events import publish
from opsuite_cli.history import executions_app, runs_app
from opsuite_cli.kinds import KINDS
from opsuite_cli.output import OutputOption, console, print_json, print_table
from opsuite_common.devtoken import mint_from_args
from opsuite_common.errors import OpsuiteError, ValidationError
from opsuite_common.logging import configure_logging
from opsuite_common.protoconv import dict_to_struct

__all__ = ["app"]

app = typer.Typer(
    cls=OneLineErrors,
    no_args_is_help=True,
    add_completion=False,
    help="Operate opsuite: apply, get, execute, ask; alerts, runs and executions.",
)
app.add_typer(alerts_app, name="alerts")
app.add_typer(runs_app, name="runs")
app.add_typer(executions_app, name="executions")

Mode = Literal["all", "config", "metric", "history", "graph", "document"]


class Role(enum.StrEnum):
    """A role a development token grants."""

    viewer = "viewer"
    editor = "editor"
    admin = "admin"


@app.callback()
def _root(
    typer_ctx: typer.Context,
    api_manager: Annotated[str, typer.Option(envvar="OPSUITE_API_MANAGER_TARGET")] = "127.0.0.1:50051",
    cep: Annotated[str, typer.Option(envvar="OPSUITE_CEP_TARGET")] = "127.0.0.1:50052",
    ops: Annotated[str, typer.Option(envvar="OPSUITE_OPS_TARGET")] = "127.0.0.1:50053",
    token: Annotated[str | None, typer.Option(envvar="OPSUITE_TOKEN", help="bearer token")] = None,
    timeout: Annotated[float, typer.Option(help="seconds per call")] = 30.0,
    tls: Annotated[
        bool, typer.Option(envvar="OPSUITE_CLIENT_TLS", help="TLS (implied by --tls-ca, --tls-cert)")
    ] = False,
    tls_ca: Annotated[str, typer.Option(envvar="OPSUITE_CLIENT_TLS_CA_FILE", help="CA bundle to trust (PEM)")] = "",
    tls_cert: Annotated[
        str, typer.Option(envvar="OPSUITE_CLIENT_TLS_CERT_FILE", help="client certificate for mTLS (PEM)")
    ] = "",
    tls_key: Annotated[str, typer.Option(envvar="OPSUITE_CLIENT_TLS_KEY_FILE", help="its private key (PEM)")] = "",
    tls_server_name: Annotated[
        str, typer.Option(envvar="OPSUITE_CLIENT_TLS_SERVER_NAME", help="name the server certificate must carry")
    ] = "",
) -> None:
    # Library log lines (retries, breaker changes) are for services; a person sees warnings only.
    configure_logging("cli", level="WARNING", fmt="console", stream=sys.stderr)
    files = {"tls_ca_file": tls_ca, "tls_cert_file": tls_cert, "tls_key_file": tls_key}
    tls_settings: dict[str, str | bool] = {"tls": tls, **files, "tls_server_name": tls_server_name}
    typer_ctx.obj = CliContext(
        api_manager=api_manager, cep=cep, ops=ops, token=token, timeout_s=timeout, tls=tls_settings
    )


def _kind(name: str) -> str:
    for kind in KINDS.values():
        if name == kind.name or name.lower() in kind.aliases:
            return kind.name
    raise ValidationError.for_field("kind", f"unknown kind {name!r}; one of {', '.join(KINDS)}")


@app.command()
def token(
    tenant: str = "demo",
    subject: str = "dev",
    role: Annotated[list[Role] | None, typer.Option(help="viewer, editor or admin (repeatable)")] = None,
    ttl: float = 24 * 3600,
) -> None:
    """Mint a development token (signed with OPSUITE_AUTH_JWT_SECRET or .run/jwt-secret)."""
    args = ["--tenant", tenant, "--subject", subject, "--ttl", str(ttl)]
    for r in role or [Role.admin]:
        args += ["--role", r.value]
    refusal = io.StringIO()
    try:
        with contextlib.redirect_stderr(refusal):  # argparse's usage block: only its last line is the reason
            minted = mint_from_args(args)
    except SystemExit:
        lines = refusal.getvalue().strip().splitlines() or ["cannot mint a token"]
        raise ValidationError(lines[-1].removeprefix("./dev token: error: ")) from None
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    console.print(minted, highlight=False, soft_wrap=True)


@app.command()
@async_command
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
@async_command
async def get(
    ctx: CliContext,
    kind: Annotated[str, typer.Argument(help="datasource, api, ...")],
    name: Annotated[str | None, typer.Argument()] = None,
    output: OutputOption = "table",
) -> None:
    """Show one resource by name, or list a kind."""
    rows = await KINDS[_kind(kind)].get(ctx, name)
    if output == "json" or name:
        print_json(rows[0] if name else rows)
        return
    print_table(rows, list(KINDS[_kind(kind)].columns))


@app.command()
@async_command
async def delete(ctx: CliContext, kind: str, name: str) -> None:
    """Delete a resource by kind and name."""
    await KINDS[_kind(kind)].delete(ctx, name)
    console.print(f"{_kind(kind).lower()}/{name} deleted")


@app.command()
@async_command
async def execute(
    ctx: CliContext,
    name: str,
    param: Annotated[
        list[str] | None, typer.Option("-p", "--param", help="key=value (repeatable; JSON values allowed)")
    ] = None,
    params_json: Annotated[str | None, typer.Option("--params", help="all params as a JSON object")] = None,
) -> None:
    """Execute an API by name and print its result."""
    params: dict[str, Any] = _params_json(params_json) if params_json else {}
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


def _params_json(text: str) -> dict[str, Any]:
    try:
        params = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError.for_field("--params", f"not valid JSON: {exc}") from None
    if not isinstance(params, dict):
        raise ValidationError.for_field("--params", "must be a JSON object of params by name")
    return params


@app.command("publish")
@async_command
async def publish_command(
    ctx: CliContext,
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="JSON lines: {id, type, source, key, time, attributes}")
    ],
    batch: Annotated[int, typer.Option(min=1, max=10000)] = 500,
) -> None:
    """Publish events to cep from a JSONL file, with a progress bar; shows the alerts they changed."""
    await publish(ctx, file, batch)


@app.command("ask")
@async_command
async def ask_command(
    ctx: CliContext,
    question: str,
    mode: Annotated[Mode | None, typer.Option(help="all, config, metric, history, graph, document")] = None,
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
