"""The read-only SQL guard: parse-tree rules, not keyword matching."""

from __future__ import annotations

import pytest

from opsuite_api_manager.domain.sql_guard import MAX_NESTING, SqlDialect, check_sql, dialect_for_url
from opsuite_common.errors import ValidationError

ALL = ["sqlite", "postgres", "mysql"]


@pytest.mark.parametrize("dialect", ALL)
@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM t WHERE note = 'DROP TABLE x; DELETE FROM y'",
        "SELECT a FROM t UNION SELECT b FROM u",
        "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
        "SELECT count(*), max(price) FROM t GROUP BY cat HAVING count(*) > 1 ORDER BY 1 LIMIT 10",
        "SELECT 'pg_sleep(10)' AS text_only",
        "SELECT * FROM t -- trailing comment; DROP TABLE t",
    ],
)
def test_read_only_queries_pass(dialect: str, sql: str) -> None:
    checked = check_sql(sql, dialect)
    assert checked.dialect == SqlDialect(dialect)
    assert checked.sql == sql  # judged, never rewritten: the database reads what the guard read


@pytest.mark.parametrize(
    ("dialect", "sql", "words"),
    [
        ("postgres", "DELETE FROM t", "read-only"),
        ("postgres", "UPDATE t SET a = 1", "read-only"),
        ("postgres", "INSERT INTO t VALUES (1)", "read-only"),
        ("postgres", "DROP TABLE t", "read-only"),
        ("postgres", "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", "DELETE"),
        ("postgres", "WITH x AS (UPDATE t SET a = 1 RETURNING *) SELECT * FROM x", "UPDATE"),
        ("postgres", "SELECT * INTO backup FROM t", "INTO"),
        ("postgres", "SELECT * FROM t FOR UPDATE", "locking"),
        ("postgres", "SELECT * FROM t FOR SHARE", "locking"),
        ("postgres", "SELECT pg_sleep(10)", "pg_sleep"),
        ("postgres", "SELECT pg_catalog.pg_sleep(10)", "pg_sleep"),
        ("postgres", 'SELECT "PG_SLEEP"(1)', "pg_sleep"),
        ("postgres", "SELECT pg_terminate_backend(123)", "pg_terminate_backend"),
        ("postgres", "SELECT pg_cancel_backend(123)", "pg_cancel_backend"),
        ("postgres", "SELECT pg_read_file('/etc/passwd')", "pg_read_file"),
        ("postgres", "SELECT * FROM pg_ls_dir('.')", "pg_ls_dir"),
        ("postgres", "SELECT lo_import('/etc/passwd')", "lo_import"),
        ("postgres", "SELECT * FROM dblink('host=x', 'select 1') AS t(a int)", "dblink"),
        ("postgres", "SELECT set_config('role', 'admin', false)", "set_config"),
        ("postgres", "SELECT nextval('s')", "nextval"),
        ("postgres", "SELECT setval('s', 1)", "setval"),
        ("postgres", "SELECT query_to_xml('delete from t', true, true, '')", "query_to_xml"),
        ("postgres", "SELECT x FROM (SELECT pg_sleep(1) AS x) s", "pg_sleep"),
        ("postgres", "COPY t TO '/tmp/x'", "COPY"),
        ("postgres", "SET role admin", "read-only"),
        ("postgres", "EXPLAIN ANALYZE DELETE FROM t", "read-only"),
        ("postgres", "SELECT 1; DELETE FROM t", "one statement"),
        ("postgres", "SELECT 1 /* ; */; DELETE FROM t", "one statement"),
        ("sqlite", "PRAGMA writable_schema = ON", "PRAGMA"),
        ("sqlite", "ATTACH DATABASE '/tmp/x.db' AS x", "ATTACH"),
        ("sqlite", "SELECT load_extension('evil')", "load_extension"),
        ("sqlite", "SELECT readfile('/etc/passwd')", "readfile"),
        ("sqlite", "SELECT writefile('/tmp/x', 'y')", "writefile"),
        ("sqlite", "SELECT 1; SELECT 2", "one statement"),
        ("mysql", "SELECT sleep(5)", "sleep"),
        ("mysql", "SELECT benchmark(100000000, md5('a'))", "benchmark"),
        ("mysql", "SELECT load_file('/etc/passwd')", "load_file"),
        ("postgres", "SELECT * FROM t WHERE a = $1", "named bind"),
        ("sqlite", "SELECT * FROM t WHERE a = ?", "named bind"),
    ],
)
def test_writes_side_effects_and_stacking_are_refused(dialect: str, sql: str, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_sql(sql, dialect)
    text = " ".join(v.description for v in info.value.field_violations)
    assert words.lower() in text.lower()
    assert all(v.field == "spec.sql" for v in info.value.field_violations)


def test_unparseable_and_empty_sql() -> None:
    with pytest.raises(ValidationError, match="cannot parse"):
        check_sql("SELECT (1 FROM", "postgres")
    with pytest.raises(ValidationError, match="empty"):
        check_sql("  ", "sqlite")


def test_bind_names_are_collected_and_checked_against_the_schema() -> None:
    checked = check_sql("SELECT * FROM t WHERE a = :a AND b > :b AND c = :a", "postgres")
    assert checked.bind_names == ("a", "b")
    assert ":a" in checked.sql and ":b" in checked.sql
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    with pytest.raises(ValidationError) as info:
        check_sql("SELECT * FROM t WHERE a = :a AND b > :b", "postgres", param_schema=schema)
    assert [v.description for v in info.value.field_violations] == [
        "bind parameter :b is not declared in parameter_schema.properties"
    ]


def test_every_problem_is_reported() -> None:
    with pytest.raises(ValidationError) as info:
        check_sql("SELECT pg_sleep(1), nextval('s') FROM t FOR UPDATE", "postgres")
    assert len(info.value.field_violations) == 3


def test_dialect_for_url() -> None:
    assert dialect_for_url("sqlite:///x.db") is SqlDialect.SQLITE
    assert dialect_for_url("postgresql+psycopg://u@h/db") is SqlDialect.POSTGRES
    assert dialect_for_url("mysql+pymysql://u@h/db") is SqlDialect.MYSQL
    with pytest.raises(ValidationError):
        dialect_for_url("oracle://u@h/db")


@pytest.mark.parametrize("dialect", ALL)
def test_statement_is_kept_as_written_with_bind_spans(dialect: str) -> None:
    # sqlglot would have re-generated this as LOWER(x) LIKE LOWER('a%'): a statement nobody wrote.
    sql = "select x  FROM t WHERE x ILIKE 'a%' AND y = :y /* :z */ AND w <> ':w'"
    checked = check_sql(sql, dialect)
    assert checked.sql == sql
    assert checked.bind_names == ("y",)
    assert [sql[span.start : span.end] for span in checked.spans] == [":y"]


@pytest.mark.parametrize("dialect", ALL)
def test_nesting_beyond_the_limit_is_refused_on_the_statement_field(dialect: str) -> None:
    assert check_sql("SELECT " + "(" * MAX_NESTING + "1" + ")" * MAX_NESTING, dialect)
    for depth in (MAX_NESTING + 1, 50, 5000):
        with pytest.raises(ValidationError) as info:
            check_sql("SELECT " + "(" * depth + "1" + ")" * depth, dialect, field="api.sql.statement")
        assert [v.field for v in info.value.field_violations] == ["api.sql.statement"]
        assert "nests brackets" in info.value.message


def test_recursion_without_brackets_is_refused_not_internal() -> None:
    deep_case = "SELECT " + "CASE WHEN a = 1 THEN " * 400 + "1" + " END" * 400
    with pytest.raises(ValidationError) as info:
        check_sql(deep_case, "postgres", field="api.sql.statement")
    assert info.value.field_violations[0].field == "api.sql.statement"


def test_mysql_executable_comments_are_refused() -> None:
    with pytest.raises(ValidationError, match="executable comments"):
        check_sql("SELECT /*! sleep(5) */ 1", "mysql")
    with pytest.raises(ValidationError, match="executable comments"):
        check_sql("SELECT 1 /*M!100000 , sleep(5) */", "mysql")
    assert check_sql("SELECT /* plain */ 1", "mysql").sql == "SELECT /* plain */ 1"
    # In PostgreSQL and SQLite the same text is an ordinary comment.
    assert check_sql("SELECT /*! x */ 1", "postgres")


def test_postgres_backslash_strings_are_read_as_the_server_reads_them() -> None:
    # standard_conforming_strings (forced on by the engine): the string ends at the second quote, so the
    # guard sees the call to pg_sleep that the server would run.
    with pytest.raises(ValidationError, match="pg_sleep"):
        check_sql("SELECT 'a\\', pg_sleep(10) --'", "postgres")
    assert check_sql("SELECT E'a\\', pg_sleep(10) --'", "postgres")  # one E'' string: no call
