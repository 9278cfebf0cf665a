"""Read-only SQL guard: parse with sqlglot, accept exactly one side-effect-free query, collect binds.

The guard works on the parse tree, never on keywords in the text, so ``WHERE note = 'DROP TABLE x'``
is fine while ``WITH x AS (DELETE ... RETURNING *) SELECT ...`` is not. It is the first of two layers:
the engine also runs every statement in a read-only transaction (see ``sql_engine``), so a gap in
either layer alone does not allow a write.

Rules: one statement (comments are dropped, a second statement after ``;`` is refused); the root is a
SELECT, a set operation (UNION/INTERSECT/EXCEPT) or VALUES; no node anywhere is a DML/DDL/command node
(data-modifying CTEs, ``SELECT INTO``, ``PRAGMA``, ``ATTACH``, ``COPY``, ``SET``...); no locking clause
(``FOR UPDATE/SHARE``); no function on the dialect's deny-list (sleep, file access, sequences, config,
cross-database links, signalling other backends). Bind parameters are ``:name`` only; positional
(``?``, ``$1``) and ``@var`` parameters are refused because values must be named and typed by the schema.

The guard judges, it never rewrites: :class:`CheckedQuery` keeps the statement exactly as written, plus
the character span of every ``:name`` bind, and the engine sends that text with only those spans turned
into the driver's placeholders (see ``sql_render.render_for_driver``). So the database runs what was
saved and reviewed, never sqlglot's re-generation of it (which once turned SQLite-invalid text such as
``x ILIKE 'a'`` into a different, valid statement). Running the text as written needs the guard to read
it as the database will, so whatever it cannot judge is refused (INVALID_ARGUMENT on the statement):
more than :data:`MAX_NESTING` levels of brackets, anything that makes the parser recurse too deep, MySQL
executable comments (``/*! ... */``, which MySQL runs and a parser sees as a comment), and a statement
whose ``:name`` spans the parse tree does not confirm one for one.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError
from sqlglot.parser import Parser
from sqlglot.tokenizer_core import Token, TokenType

from opsuite_common.errors import FieldViolation, ValidationError

__all__ = ["DENIED_FUNCTIONS", "MAX_NESTING", "BindSpan", "CheckedQuery", "SqlDialect", "check_sql", "dialect_for_url"]

#: Deepest nesting of brackets ``( [`` a statement may have; deeper text is refused before parsing
#: (the parser is recursive, and about 50 levels exhausted Python's stack).
MAX_NESTING = 32


class SqlDialect(enum.StrEnum):
    """Dialects the guard understands; values are sqlglot dialect names."""

    SQLITE = "sqlite"
    POSTGRES = "postgres"
    MYSQL = "mysql"


_COMMON_DENY = frozenset({"sleep", "benchmark", "load_file", "load_extension", "nextval", "setval"})

#: Functions refused per dialect (lower case): side effects, file/network access, sleeping, locks.
DENIED_FUNCTIONS: Mapping[SqlDialect, frozenset[str]] = {
    SqlDialect.POSTGRES: _COMMON_DENY
    | frozenset(
        {
            "pg_sleep",
            "pg_sleep_for",
            "pg_sleep_until",
            "pg_terminate_backend",
            "pg_cancel_backend",
            "pg_reload_conf",
            "pg_rotate_logfile",
            "pg_promote",
            "pg_switch_wal",
            "pg_create_restore_point",
            "pg_read_file",
            "pg_read_binary_file",
            "pg_ls_dir",
            "pg_stat_file",
            "pg_ls_logdir",
            "pg_ls_waldir",
            "pg_ls_tmpdir",
            "pg_ls_archive_statusdir",
            "pg_file_write",
            "pg_file_rename",
            "pg_file_unlink",
            "pg_logdir_ls",
            "pg_notify",
            "pg_logical_emit_message",
            "lo_import",
            "lo_export",
            "lo_unlink",
            "lo_create",
            "lo_creat",
            "lo_open",
            "lo_put",
            "lo_from_bytea",
            "lo_truncate",
            "lowrite",
            "loread",
            "lo_get",
            "dblink",
            "dblink_exec",
            "dblink_connect",
            "dblink_connect_u",
            "dblink_send_query",
            "dblink_open",
            "dblink_fetch",
            "set_config",
            "currval",
            "lastval",
            "query_to_xml",
            "query_to_xml_and_xmlschema",
            "query_to_xmlschema",
            "cursor_to_xml",
            "table_to_xml",
            "database_to_xml",
            "schema_to_xml",
            "xpath_table",
            "pg_advisory_lock",
            "pg_advisory_lock_shared",
            "pg_advisory_xact_lock",
            "pg_advisory_xact_lock_shared",
            "pg_try_advisory_lock",
            "pg_try_advisory_lock_shared",
            "pg_try_advisory_xact_lock",
            "pg_try_advisory_xact_lock_shared",
            "pg_advisory_unlock",
            "pg_advisory_unlock_all",
            "pg_advisory_unlock_shared",
            "txid_current",
            "pg_current_xact_id",
            "pg_export_snapshot",
            "pg_replication_origin_create",
            "pg_drop_replication_slot",
            "pg_create_physical_replication_slot",
            "pg_create_logical_replication_slot",
        }
    ),
    SqlDialect.SQLITE: _COMMON_DENY | frozenset({"readfile", "writefile", "edit", "fts3_tokenizer"}),
    SqlDialect.MYSQL: _COMMON_DENY
    | frozenset(
        {
            "get_lock",
            "release_lock",
            "release_all_locks",
            "is_free_lock",
            "is_used_lock",
            "master_pos_wait",
            "source_pos_wait",
            "sys_exec",
            "sys_eval",
            "wait_for_executed_gtid_set",
            "wait_until_sql_thread_after_gtids",
        }
    ),
}

_ALLOWED_ROOTS: tuple[type[exp.Expr], ...] = (exp.Select, exp.SetOperation, exp.Values)

# Node types that write, change state or leave the query language; refused anywhere in the tree.
_FORBIDDEN_NODES: tuple[tuple[type[exp.Expr], str], ...] = (
    (exp.Insert, "INSERT"),
    (exp.Update, "UPDATE"),
    (exp.Delete, "DELETE"),
    (exp.Merge, "MERGE"),
    (exp.Create, "CREATE"),
    (exp.Drop, "DROP"),
    (exp.Alter, "ALTER"),
    (exp.TruncateTable, "TRUNCATE"),
    (exp.Command, "a non-query command"),
    (exp.Pragma, "PRAGMA"),
    (exp.Attach, "ATTACH"),
    (exp.Detach, "DETACH"),
    (exp.Copy, "COPY"),
    (exp.Set, "SET"),
    (exp.Use, "USE"),
    (exp.Into, "SELECT ... INTO"),
    (exp.Lock, "a locking clause (FOR UPDATE/SHARE)"),
    (exp.Transaction, "a transaction statement"),
    (exp.Commit, "COMMIT"),
    (exp.Rollback, "ROLLBACK"),
    (exp.LoadData, "LOAD DATA"),
    (exp.Cache, "CACHE"),
    (exp.Uncache, "UNCACHE"),
    (exp.Analyze, "ANALYZE"),
    (exp.Grant, "GRANT"),
)


@dataclass(frozen=True, slots=True)
class BindSpan:
    """Where a ``:name`` bind sits in the statement: ``sql[start:end]`` is the placeholder text."""

    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class CheckedQuery:
    """A statement the guard accepted: the text exactly as written, its bind names and their spans.

    Build it with :func:`check_sql`. Constructing one by hand skips the guard (tests use that to prove
    the read-only transaction holds on its own); only the engine's transaction then protects the data.
    A hand-built query without ``spans`` is run as text with no binds.
    """

    sql: str
    dialect: SqlDialect
    bind_names: tuple[str, ...] = ()
    spans: tuple[BindSpan, ...] = ()
    tree: exp.Expr | None = field(default=None, repr=False, compare=False)


def dialect_for_url(url: str) -> SqlDialect:
    """The guard dialect for a SQLAlchemy URL (``sqlite...``, ``postgresql...``, ``mysql/mariadb...``)."""
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme == "sqlite":
        return SqlDialect.SQLITE
    if scheme in ("postgresql", "postgres"):
        return SqlDialect.POSTGRES
    if scheme in ("mysql", "mariadb"):
        return SqlDialect.MYSQL
    raise ValidationError.for_field("url", f"unsupported database '{scheme}': use sqlite, postgresql or mysql")


def _function_name(node: exp.Func) -> str:
    return (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()


def _problems(tree: exp.Expr, dialect: SqlDialect, where: str) -> list[FieldViolation]:
    problems: list[FieldViolation] = []
    if not isinstance(tree, _ALLOWED_ROOTS):
        problems.append(FieldViolation(where, "only read-only queries are allowed (SELECT, WITH ... SELECT)"))
    denied = DENIED_FUNCTIONS[dialect]
    for node in tree.walk():
        for node_type, label in _FORBIDDEN_NODES:
            if isinstance(node, node_type):
                problems.append(FieldViolation(where, f"{label} is not allowed: queries must be read-only"))
        if isinstance(node, exp.Func):
            name = _function_name(node)
            if name in denied:
                problems.append(
                    FieldViolation(
                        where, f"function {name}() is not allowed (it has side effects or reaches outside the query)"
                    )
                )
        if isinstance(node, exp.NextValueFor):
            problems.append(FieldViolation(where, "NEXT VALUE FOR is not allowed (it changes a sequence)"))
        if isinstance(node, exp.Parameter) or (isinstance(node, exp.Placeholder) and node.name in ("", "?")):
            problems.append(
                FieldViolation(
                    where, f"'{node.sql(dialect=dialect.value)}' is not supported: use named bind parameters like :name"
                )
            )
    unique: dict[tuple[str, str], FieldViolation] = {(p.field, p.description): p for p in problems}
    return list(unique.values())


def check_sql(
    sql: str,
    dialect: SqlDialect | str,
    *,
    param_schema: Mapping[str, Any] | None = None,
    field: str = "spec.sql",
) -> CheckedQuery:
    """Parse and vet ``sql``; raise ValidationError (one violation per problem) or return a CheckedQuery.

    When ``param_schema`` is given, every ``:name`` must be one of its ``properties``. The returned
    query's ``sql`` is ``sql`` itself, unchanged.
    """
    dialect = SqlDialect(dialect)
    if not sql or not sql.strip():
        raise ValidationError.for_field(field, "the SQL statement is empty")
    try:
        tree, spans = _parse_one(sql, dialect, field)
        problems = _problems(tree, dialect, field)
    except RecursionError:
        raise ValidationError.for_field(
            field, "the SQL statement is nested too deeply to check; simplify it (fewer nested expressions)"
        ) from None
    bind_names = list(dict.fromkeys(span.name for span in spans))
    if param_schema is not None:
        known = set((param_schema.get("properties") or {}).keys())
        problems.extend(
            FieldViolation(field, f"bind parameter :{name} is not declared in parameter_schema.properties")
            for name in bind_names
            if name not in known
        )
    if problems:
        raise ValidationError(f"{field}: {problems[0].description}", field_violations=problems)
    return CheckedQuery(sql=sql, dialect=dialect, bind_names=tuple(bind_names), spans=spans, tree=tree)


def _parse_one(sql: str, dialect: SqlDialect, field: str) -> tuple[exp.Expr, tuple[BindSpan, ...]]:
    """The one statement's tree and the spans of its ``:name`` binds; refuses what it cannot judge."""
    reader = Dialect.get_or_raise(dialect.value)
    try:
        tokens = reader.tokenize(sql)
        _check_tokens(sql, tokens, dialect, field)
        parser = _span_parser(type(reader))(dialect=reader)
        statements = [s for s in parser.parse(tokens, sql) if s is not None]
    except (ParseError, TokenError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise ValidationError.for_field(field, f"cannot parse SQL ({dialect.value}): {first}") from None
    if not statements:
        raise ValidationError.for_field(field, "the SQL statement is empty")
    if len(statements) > 1:
        raise ValidationError.for_field(
            field, f"exactly one statement is allowed, found {len(statements)} (remove the extra ';')"
        )
    tree = statements[0]
    spans: list[BindSpan] = []
    for ph in tree.find_all(exp.Placeholder):
        if ph.name in ("", "?"):
            continue  # refused by _problems
        where = ph.meta.get(_SPAN_KEY)
        if not isinstance(where, tuple) or sql[where[0] : where[1]].lstrip(":").strip('"`') != ph.name:
            raise ValidationError.for_field(field, f"cannot locate the bind parameter :{ph.name} in the statement")
        spans.append(BindSpan(ph.name, where[0], where[1]))
    spans.sort(key=lambda span: span.start)
    return tree, tuple(spans)


def _check_tokens(sql: str, tokens: list[Token], dialect: SqlDialect, field: str) -> None:
    """Refuse, before parsing, text nested deeper than MAX_NESTING and MySQL executable comments."""
    depth = 0
    for token in tokens:
        if token.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE):
            depth += 1
            if depth > MAX_NESTING:
                raise ValidationError.for_field(
                    field, f"the SQL statement nests brackets more than {MAX_NESTING} levels deep; simplify it"
                )
        elif token.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE):
            depth = max(0, depth - 1)
    if dialect is SqlDialect.MYSQL:
        # Between tokens there is only whitespace and comments; MySQL executes /*! ... */ comments.
        edges = [0, *(i for t in tokens for i in (t.start, t.end + 1)), len(sql)]
        gaps = (sql[edges[i] : edges[i + 1]] for i in range(0, len(edges), 2))
        if any("/*!" in gap or "/*M!" in gap for gap in gaps):
            raise ValidationError.for_field(
                field, "MySQL executable comments (/*! ... */) are not allowed: the guard cannot judge them"
            )


_SPAN_KEY = "opsuite_span"


def _colon_placeholder(self: Parser) -> exp.Expr | None:
    """sqlglot's ``:name`` rule, also recording where the placeholder is in the text."""
    colon = self._prev
    if not self._match_set(self.COLON_PLACEHOLDER_TOKENS):
        return None
    name = self._prev
    node = self.expression(exp.Placeholder(this=name.text))
    node.meta[_SPAN_KEY] = (colon.start, name.end + 1)
    return node


@functools.lru_cache(maxsize=8)
def _span_parser(dialect_class: type[Dialect]) -> type[Parser]:
    """The dialect's parser with the ``:name`` rule replaced by :func:`_colon_placeholder`."""
    base = dialect_class.parser_class
    rules = {**base.PLACEHOLDER_PARSERS, TokenType.COLON: _colon_placeholder}
    return type(f"_Span{base.__name__}", (base,), {"PLACEHOLDER_PARSERS": rules})
