"""The API definition as the use cases see it (kind, spec, schema, policy), stored as JSON, and its checks."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from opsuite_api_manager.adapters.http_engine import IDEMPOTENT_METHODS
from opsuite_api_manager.domain import templates
from opsuite_api_manager.domain.params import check_parameter_schema
from opsuite_api_manager.domain.script import compile_check
from opsuite_api_manager.domain.sql_guard import CheckedQuery, SqlDialect, check_sql
from opsuite_api_manager.domain.workflow import validate_workflow
from opsuite_common import limits as limits_
from opsuite_common.errors import FieldViolation, OpsuiteError, ValidationError
from opsuite_common.netguard import NetworkPolicy, allow_entry_problem, check_url

__all__ = [
    "ALLOW_LIST_FIELD",
    "KINDS",
    "NAME_RE",
    "ApiDefinition",
    "Limits",
    "Policy",
    "ValidationReport",
    "validate_definition",
]

#: Kinds of API, as stored and as named in the proto enum.
KINDS = ("SQL", "SCRIPT", "HTTP", "WORKFLOW")
NAME_RE = re.compile(rf"^[A-Za-z0-9_.\-]{{1,{limits_.NAME_CHARS}}}$")
_HTTP_METHODS = IDEMPOTENT_METHODS | {"POST", "PATCH"}
#: How refusals name an API's own allow-list (it only narrows the operator's OPSUITE_OUTBOUND_ALLOW).
ALLOW_LIST_FIELD = "the API's policy.network_allow_list"


@dataclass(frozen=True, slots=True)
class Policy:
    """An API's runtime policy; zero/None means "the server default"."""

    timeout_s: float | None = None
    row_limit: int = 0
    output_cap_bytes: int = 0
    network_allow_list: tuple[str, ...] = ()
    memory_mb: int = 0


@dataclass(frozen=True, slots=True)
class ApiDefinition:
    """Everything a user defines about an API; ``spec`` is the kind's spec as a JSON object."""

    name: str
    kind: str
    spec: dict[str, Any]
    description: str = ""
    tags: tuple[str, ...] = ()
    param_schema: dict[str, Any] = field(default_factory=dict)
    policy: Policy = Policy()
    enabled: bool = True
    expose_as_tool: bool = False

    @property
    def idempotent(self) -> bool:
        """Safe to retry: SQL always, HTTP for idempotent methods; scripts and workflows may have effects."""
        if self.kind == "SQL":
            return True
        return self.kind == "HTTP" and str(self.spec.get("method") or "GET").upper() in IDEMPOTENT_METHODS

    def to_json(self) -> dict[str, Any]:
        """The stored JSON form."""
        p = self.policy
        return {
            "name": self.name,
            "kind": self.kind,
            "spec": self.spec,
            "description": self.description,
            "tags": list(self.tags),
            "param_schema": self.param_schema,
            "policy": {
                "timeout_s": p.timeout_s,
                "row_limit": p.row_limit,
                "output_cap_bytes": p.output_cap_bytes,
                "network_allow_list": list(p.network_allow_list),
                "memory_mb": p.memory_mb,
            },
            "enabled": self.enabled,
            "expose_as_tool": self.expose_as_tool,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ApiDefinition:
        """Rebuild from the stored JSON form."""
        p = data.get("policy") or {}
        return cls(
            name=str(data.get("name", "")),
            kind=str(data.get("kind", "")),
            spec=dict(data.get("spec") or {}),
            description=str(data.get("description", "")),
            tags=tuple(data.get("tags") or ()),
            param_schema=dict(data.get("param_schema") or {}),
            policy=Policy(
                timeout_s=p.get("timeout_s"),
                row_limit=int(p.get("row_limit") or 0),
                output_cap_bytes=int(p.get("output_cap_bytes") or 0),
                network_allow_list=tuple(p.get("network_allow_list") or ()),
                memory_mb=int(p.get("memory_mb") or 0),
            ),
            enabled=bool(data.get("enabled", True)),
            expose_as_tool=bool(data.get("expose_as_tool", False)),
        )


@dataclass(frozen=True, slots=True)
class Limits:
    """Server-wide bounds the policy is checked against."""

    max_timeout_s: float
    max_row_limit: int
    max_workflow_steps: int
    #: The operator's outbound policy, which HTTP URLs are judged against (narrowed by the API's list).
    network: NetworkPolicy = field(default_factory=NetworkPolicy)
    #: Live APIs one tenant may hold (0: no quota).
    max_apis_per_tenant: int = 0
    #: Versions kept per API, the newest (0: all); a save deletes older ones.
    max_versions_per_api: int = 0


@dataclass(slots=True)
class ValidationReport:
    """The outcome of checking a definition: violations (empty when valid), notes, and what was prepared."""

    violations: list[FieldViolation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    query: CheckedQuery | None = None

    @property
    def valid(self) -> bool:
        """No violation."""
        return not self.violations

    def raise_if_invalid(self) -> None:
        """Raise one ValidationError listing every violation."""
        if self.violations:
            first = self.violations[0]
            more = f" (and {len(self.violations) - 1} more)" if len(self.violations) > 1 else ""
            raise ValidationError(
                f"the API definition is invalid: {first.field}: {first.description}{more}",
                field_violations=self.violations,
            )


def _collect(report: ValidationReport, check: Callable[[], Any]) -> Any:
    try:
        return check()
    except ValidationError as exc:
        report.violations.extend(exc.field_violations or [FieldViolation("api", exc.message)])
    except OpsuiteError as exc:  # e.g. an SSRF refusal of a literal address
        report.violations.append(FieldViolation("api", exc.message))
    return None


def _check_policy(d: ApiDefinition, limits: Limits, out: list[FieldViolation]) -> None:
    p = d.policy
    if p.timeout_s is not None and not 0 < p.timeout_s <= limits.max_timeout_s:
        out.append(FieldViolation("api.policy.timeout", f"must be between 0 and {limits.max_timeout_s:g}s"))
    if not 0 <= p.row_limit <= limits.max_row_limit:
        out.append(FieldViolation("api.policy.row_limit", f"must be between 0 and {limits.max_row_limit}"))
    if p.output_cap_bytes < 0:
        out.append(FieldViolation("api.policy.output_cap_bytes", "must be >= 0 (0 means the server default)"))
    if p.memory_mb < 0 or 0 < p.memory_mb < 32:
        out.append(FieldViolation("api.policy.memory_mb", "must be 0 (server default) or at least 32"))
    for i, entry in enumerate(p.network_allow_list):
        if (problem := allow_entry_problem(entry)) is not None:
            out.append(FieldViolation(f"api.policy.network_allow_list[{i}]", problem))


def _check_http(d: ApiDefinition, report: ValidationReport, network: NetworkPolicy) -> None:
    spec = d.spec
    method = str(spec.get("method") or "GET").upper()
    if method not in _HTTP_METHODS:
        report.violations.append(
            FieldViolation("api.http.method", f"must be one of {', '.join(sorted(_HTTP_METHODS))}")
        )
    url = str(spec.get("url") or "")
    if not url:
        report.violations.append(FieldViolation("api.http.url", "is required"))
        return
    props = set((d.param_schema.get("properties") or {}).keys())
    refs = _collect(report, lambda: templates.find_references(url, field="api.http.url")) or []
    dummy: dict[str, Any] = {}
    for ref in refs:
        head, _, rest = ref.partition(".")
        if head != "params" or not rest:
            report.violations.append(FieldViolation("api.http.url", f"'{{{{{ref}}}}}' must start with 'params.'"))
        elif props and rest.split(".")[0] not in props:
            report.violations.append(
                FieldViolation("api.http.url", f"'{{{{{ref}}}}}' is not declared in param_schema.properties")
            )
        else:
            dummy[rest.split(".")[0]] = "x"
    for name, value in (spec.get("headers") or {}).items():
        _collect(report, functools.partial(templates.find_references, str(value), field=f"api.http.headers.{name}"))
    if report.violations:
        return
    rendered = _collect(report, lambda: templates.render_url(url, {"params": dummy}, field="api.http.url"))
    if rendered is not None:
        # Parsed once and refused when ambiguous; literal addresses (http://127.0.0.1/...) are judged now
        # against the operator's policy narrowed by the API's list; host names again at connect time.
        policy = network.narrowed(d.policy.network_allow_list, name=ALLOW_LIST_FIELD)
        _collect(report, lambda: check_url(rendered, policy, field="api.http.url"))
        if report.violations and report.violations[-1].field == "api":
            last = report.violations.pop()
            report.violations.append(FieldViolation("api.http.url", last.description))


#: The spec field holding each kind's main text, its request field and its size limit.
_SPEC_TEXT = {
    "SQL": ("statement", "api.sql.statement", limits_.STATEMENT_BYTES),
    "SCRIPT": ("source", "api.script.source", limits_.SCRIPT_BYTES),
}
_SPEC_FIELD = {"SQL": "api.sql", "SCRIPT": "api.script", "HTTP": "api.http", "WORKFLOW": "api.workflow"}


def _check_sizes(d: ApiDefinition, out: list[FieldViolation]) -> bool:
    """Append a violation for every input over its size limit (README "Size limits"); True if any."""
    found = [
        limits_.check_text("api.description", d.description, limits_.DESCRIPTION_BYTES),
        limits_.check_json("api.param_schema", d.param_schema, limits_.SCHEMA_BYTES),
    ]
    if len(d.tags) > limits_.MAX_LABELS:
        found.append(FieldViolation("api.tags", f"has {len(d.tags)} tags; the limit is {limits_.MAX_LABELS}"))
    text = _SPEC_TEXT.get(d.kind)
    if text is not None:
        found.append(limits_.check_text(text[1], str(d.spec.get(text[0]) or ""), text[2]))
    else:
        found.append(limits_.check_json(_SPEC_FIELD.get(d.kind, "api"), d.spec, limits_.SPEC_BYTES))
    problems = [v for v in found if v is not None]
    out.extend(problems)
    return bool(problems)


def validate_definition(
    d: ApiDefinition,
    *,
    limits: Limits,
    dialect_of: Callable[[str], SqlDialect | None],
    api_exists: Callable[[str], bool],
) -> ValidationReport:
    """Save-time validation of every part of a definition; all problems are collected, none raised.

    ``dialect_of(name)`` gives a data source's dialect (None when the tenant has no such source);
    ``api_exists(name)`` says whether a workflow step's API exists in the tenant.
    """
    report = ValidationReport()
    out = report.violations
    if not NAME_RE.match(d.name):
        out.append(FieldViolation("api.name", "must be 1-128 letters, digits, '_', '-' or '.'"))
    for i, tag in enumerate(d.tags):
        if not tag or "," in tag or len(tag) > limits_.LABEL_CHARS:
            out.append(FieldViolation(f"api.tags[{i}]", f"must be 1-{limits_.LABEL_CHARS} characters without ','"))
    if _check_sizes(d, out):
        return report  # an oversize input is not parsed further
    _check_policy(d, limits, out)
    _collect(report, lambda: check_parameter_schema(d.param_schema or None, field="api.param_schema"))
    schema_ok = not any(v.field.startswith("api.param_schema") for v in out)
    if d.kind not in KINDS:
        out.append(FieldViolation("api.kind", "must be SQL, SCRIPT, HTTP or WORKFLOW"))
        return report
    if d.kind == "SQL":
        source = str(d.spec.get("data_source") or "")
        dialect = dialect_of(source) if source else None
        if not source:
            out.append(FieldViolation("api.sql.data_source", "is required"))
        elif dialect is None:
            out.append(FieldViolation("api.sql.data_source", f"no data source named '{source}' in this tenant"))
        else:
            statement = str(d.spec.get("statement") or "")
            schema = d.param_schema if schema_ok else None
            query = _collect(
                report, lambda: check_sql(statement, dialect, param_schema=schema, field="api.sql.statement")
            )
            if query is not None:
                report.query = query
                report.notes.extend(f"bind :{n}" for n in query.bind_names)
    elif d.kind == "SCRIPT":
        _collect(report, lambda: compile_check(str(d.spec.get("source") or ""), "api.script.source"))
    elif d.kind == "HTTP":
        _check_http(d, report, limits.network)
    else:
        definition = d.spec.get("definition")
        wf = _collect(
            report,
            lambda: validate_workflow(
                definition,
                api_exists,
                limits.max_workflow_steps,
                limits.max_workflow_steps,
                field_prefix="api.workflow.definition",
            ),
        )
        if wf is not None:
            report.notes.extend(f"step {s.id} -> {s.api}" for s in wf.steps)
    return report
