"""How every command runs: async bodies on a fresh event loop, and every failure as one line on stderr.

Exit codes: 0 success, 1 an error (a service's, a bad value the command itself checked, an unexpected
failure), 2 a usage error (an unknown option, a missing argument, a value outside a choice); a command may
add its own (``opsuite ask``).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import typer
from typer.core import TyperGroup

from opsuite_cli.context import CliContext
from opsuite_cli.output import print_error, print_line
from opsuite_common.errors import OpsuiteError

__all__ = ["OneLineErrors", "async_command"]

T = TypeVar("T")


class OneLineErrors(TyperGroup):
    """The root command group: usage errors and unexpected failures are one line on stderr, never Click's
    usage block or a traceback."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the CLI; in standalone mode (the default) exit with the command's code."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            # Not standalone: Click hands usage errors and aborts to us, and returns the exit code of
            # typer.Exit (and of --help) instead of exiting.
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except typer.TyperException as exc:  # Click's (vendored by Typer) usage errors derive from it
            if type(exc).__name__ != "NoArgsIsHelpError":  # for that one the help was printed already
                print_line(_usage_line(exc))
            sys.exit(exc.exit_code)
        except typer.Abort:
            print_line("Aborted.")
            sys.exit(1)
        except OpsuiteError as exc:  # raised outside an async command (they print their own)
            print_error(exc)
            sys.exit(1)
        except OSError as exc:  # a file the command was given cannot be read or written
            where = f" {exc.filename}" if exc.filename else ""
            print_line(f"Error:{where}: {exc.strerror or exc}")
            sys.exit(1)
        except Exception as exc:  # a failure nobody turned into an error: one line, still no traceback
            print_line(f"Error: unexpected {type(exc).__name__}: {exc}")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _usage_line(exc: typer.TyperException) -> str:
    message = exc.format_message().replace("Value error, ", "")
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None)
    return f"Error: {message} (see '{path} --help')" if path else f"Error: {message}"


def async_command(fn: Callable[..., Awaitable[T]]) -> Callable[..., T]:
    """Make ``async def cmd(ctx: CliContext, ...)`` a Typer command: it runs on its own event loop with the
    root options' :class:`CliContext`, and a typed error is printed as one line with exit code 1."""

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
    params = [typer_ctx, *list(sig.parameters.values())[1:]]
    del wrapper.__wrapped__
    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    # Evaluated here: the command's string annotations name its own module's imports, not this module's.
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return wrapper
