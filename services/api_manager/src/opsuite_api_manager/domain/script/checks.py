"""Save-time validation of a script: it must compile and define ``main(params, input, ctx)``."""

from __future__ import annotations

import ast

from opsuite_common.errors import FieldViolation, ValidationError

__all__ = ["SOURCE_FIELD", "compile_check"]

#: The request field a script's problems are reported against.
SOURCE_FIELD = "spec.source"
_SCRIPT_FILENAME = "<script>"


def compile_check(source: str, field: str = SOURCE_FIELD) -> None:
    """Raise ``ValidationError`` unless ``source`` compiles and defines ``main`` taking three arguments."""
    if not isinstance(source, str) or not source.strip():
        raise ValidationError.for_field(field, "the script is empty; define main(params, input, ctx)")
    try:
        tree = ast.parse(source, _SCRIPT_FILENAME)
        compile(tree, _SCRIPT_FILENAME, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise ValidationError.for_field(field, f"line {exc.lineno}: {exc.msg}") from None
    except ValueError as exc:  # e.g. a NUL byte in the source
        raise ValidationError.for_field(field, str(exc)) from None
    mains = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == "main"]
    if not mains:
        raise ValidationError.for_field(field, "define a top-level function main(params, input, ctx)")
    main = mains[-1]
    if isinstance(main, ast.AsyncFunctionDef):
        raise ValidationError.for_field(field, f"line {main.lineno}: main must be a plain 'def', not 'async def'")
    args = main.args
    positional = len(args.posonlyargs) + len(args.args)
    required_kwonly = [a for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None]
    if (positional < 3 and args.vararg is None) or positional - len(args.defaults) > 3 or required_kwonly:
        raise ValidationError(
            f"{field}: main must accept exactly three arguments (params, input, ctx)",
            field_violations=[
                FieldViolation(field, f"line {main.lineno}: main must accept three arguments: params, input, ctx")
            ],
        )
