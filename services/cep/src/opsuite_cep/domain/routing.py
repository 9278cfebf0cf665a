"""A tenant's alert routing, as Alertmanager configures it: a routing tree, receivers and inhibition rules.

Parse one with :func:`parse_routing` (a dict, e.g. the ``spec`` of an ``AlertRouting`` document)::

    route:                        # the root: every alert enters here; it has no matchers
      receiver: ops               # a receiver below, or the name of a channel
      group_by: [alertname, host] # ['...'] groups by every label; [] (the default) is one group
      group_wait: 30s             # defaults 30s / 5m / 4h; a child inherits what it leaves out
      group_interval: 5m
      repeat_interval: 4h
      routes:
        - matchers: ['severity="critical"', 'service=~"db-.*"']   # or {name, op, value} objects
          receiver: pager
          continue: true          # also try the next siblings
    receivers:                    # optional: a name for one or more channels; none is a null receiver
      - {name: ops, channels: [ops-webhook, ops-slack], send_resolved: true}
    inhibit_rules:
      - source_matchers: ['severity="critical"']
        target_matchers: ['severity="warning"']
        equal: [host]

Matchers' regexes are compiled once per config, when it is parsed (:meth:`Matcher.compile`).

Alertmanager's meanings (``dispatch/route.go``): an alert enters the root; each node that matches tries
its children in order, stops at the first child that matched unless that child has ``continue``, and is
itself the match when no child matched. Matchers are ``=``, ``!=``, ``=~`` and ``!~``, regexes anchored
at both ends, a missing label reads as the empty string. Alertmanager's older ``match`` and ``match_re``
maps are accepted too. A matcher string is Alertmanager's form, ``name op value`` with the value bare or
double-quoted; names may also hold ``.`` and ``-`` (cep's group labels can be attribute paths).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from opsuite_cep.domain.alerts import Matcher
from opsuite_cep.domain.amcompat import matchers_string
from opsuite_cep.domain.durations import parse_duration
from opsuite_cep.domain.validation import Violations, join_path
from opsuite_common.regex import RegexError, TenantPattern, compile_regex

__all__ = [
    "DEFAULT_GROUP_INTERVAL",
    "DEFAULT_GROUP_WAIT",
    "DEFAULT_REPEAT_INTERVAL",
    "InhibitRule",
    "Receiver",
    "Route",
    "Routing",
    "RoutingLimits",
    "parse_matcher",
    "parse_routing",
]

DEFAULT_GROUP_WAIT = 30.0
DEFAULT_GROUP_INTERVAL = 300.0
DEFAULT_REPEAT_INTERVAL = 4 * 3600.0


@dataclass(frozen=True, slots=True)
class RoutingLimits:
    """Bounds on a routing config (README, Size limits)."""

    max_bytes: int = 64 * 1024
    max_routes: int = 256
    max_depth: int = 10
    max_matchers: int = 32
    max_group_by: int = 32
    max_receivers: int = 64
    max_channels_per_receiver: int = 16
    max_inhibit_rules: int = 64
    max_name_chars: int = 64
    max_value_chars: int = 256
    max_duration: float = 30 * 86_400.0
    #: group_interval below this would make the grouping timers of a long quiet span expensive.
    min_group_interval: float = 1.0


@dataclass(frozen=True, slots=True)
class Receiver:
    """Where a group's notifications go: channels (none: a null receiver that drops them)."""

    name: str
    channels: tuple[str, ...]
    send_resolved: bool = True


@dataclass(frozen=True, slots=True)
class Route:
    """One node of the routing tree, with the options it inherited already applied."""

    id: str
    #: Alertmanager's ``Route.Key()``: the parents' keys and this node's sorted matchers (the group key's head).
    key: str
    matchers: tuple[Matcher, ...]
    receiver: str
    group_by: tuple[str, ...]
    group_by_all: bool
    group_wait: float
    group_interval: float
    repeat_interval: float
    continue_: bool
    routes: tuple[Route, ...]

    def match(self, labels: Mapping[str, str]) -> list[Route]:
        """The nodes an alert with ``labels`` is grouped at (Alertmanager's ``Route.Match``)."""
        if not all(m.matches(labels) for m in self.matchers):
            return []
        found: list[Route] = []
        for child in self.routes:
            matched = child.match(labels)
            found += matched
            if matched and not child.continue_:
                break
        return found or [self]

    def group_labels(self, labels: Mapping[str, str]) -> dict[str, str]:
        """The labels an alert's group is keyed by at this node (missing ones are left out, as Alertmanager)."""
        if self.group_by_all:
            return dict(labels)
        return {name: labels[name] for name in self.group_by if name in labels}

    def walk(self) -> Iterator[Route]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.routes:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class InhibitRule:
    """Mutes target alerts while a source alert with the same ``equal`` labels is firing."""

    source: tuple[Matcher, ...]
    target: tuple[Matcher, ...]
    equal: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Routing:
    """A validated routing config; ``revision`` is a hash of its canonical form (checkpoints compare it)."""

    route: Route
    receivers: Mapping[str, Receiver]
    inhibit_rules: tuple[InhibitRule, ...]
    revision: str

    def receiver(self, name: str) -> Receiver:
        """The receiver ``name``: a declared one, else the channel of that name."""
        return self.receivers.get(name) or Receiver(name, (name,))

    def routes(self) -> dict[str, Route]:
        """Every node by id."""
        return {r.id: r for r in self.route.walk()}

    def channels(self) -> set[str]:
        """Every channel a route can notify."""
        return {c for r in self.route.walk() for c in self.receiver(r.receiver).channels}


_OPS = ("=~", "!~", "!=", "=")
_MATCHER = re.compile(r"^\s*([a-zA-Z_:][a-zA-Z0-9_:.\-]*)\s*(=~|=|!=|!~)\s*((?s:.*?))\s*$")
_LABEL_NAME = re.compile(r"[^\s\"'=!~{},]+")


def parse_matcher(text: str) -> Matcher:
    """Alertmanager's ``labels.ParseMatcher``: ``name op value`` with the value bare or double-quoted
    (``\\"``, ``\\\\`` and ``\\n`` escapes); raises ValueError with the reason."""
    found = _MATCHER.match(text)
    if found is None:
        raise ValueError(f"bad matcher format {text!r}; expected like 'severity=\"critical\"' or 'host=~\"web-.*\"'")
    name, op, raw = found.groups()
    quoted = raw.startswith('"')
    if quoted:
        raw = raw[1:]
    value: list[str] = []
    escaped = False
    for i, ch in enumerate(raw):
        if escaped:
            escaped = False
            value.append("\n" if ch == "n" else ch if ch in '"\\' else "\\" + ch)
        elif ch == "\\":
            if i < len(raw) - 1:
                escaped = True
            else:
                value.append("\\")
        elif ch == '"':
            if not quoted or i < len(raw) - 1:
                raise ValueError(f"matcher value contains an unescaped double quote: {text!r}")
            quoted = False
        else:
            value.append(ch)
    if quoted:
        raise ValueError(f"matcher value lacks its closing double quote: {text!r}")
    return Matcher(name, op, "".join(value))


class _Parser:
    """Walks a routing config, collecting every violation (paths start at ``config``)."""

    def __init__(self, limits: RoutingLimits, channels: Collection[str] | None) -> None:
        self.v, self.limits, self.channels = Violations(), limits, channels
        #: The config's regexes, compiled once and shared by its matchers (:meth:`Matcher.compile`).
        self.patterns: dict[str, TenantPattern] = {}
        self.count = 0
        self.receiver_refs: list[tuple[str, str]] = []  # (path, name)

    def matcher(self, item: Any, path: str) -> Matcher | None:
        if isinstance(item, str):
            try:
                m = parse_matcher(item)
            except ValueError as exc:
                self.v.add(path, str(exc))
                return None
        elif isinstance(item, Mapping):
            self.v.check_keys(item, {"name", "op", "value"}, path)
            name, op, value = item.get("name"), item.get("op", "="), item.get("value")
            if not isinstance(name, str) or not name or op not in _OPS or not isinstance(value, str):
                self.v.add(path, f"expected {{name, op, value}} with op one of {', '.join(_OPS)} and string values")
                return None
            m = Matcher(name, op, value)
        else:
            self.v.add(path, "expected a matcher string like 'severity=\"critical\"' or an object {name, op, value}")
            return None
        return m if self.check_matcher(m, path) else None

    def check_matcher(self, m: Matcher, path: str) -> bool:
        ok = True
        if len(m.name) > self.limits.max_name_chars or not _LABEL_NAME.fullmatch(m.name):
            self.v.add(path, f"label name {m.name[:80]!r}: 1-{self.limits.max_name_chars} characters, no spaces")
            ok = False
        if len(m.value) > self.limits.max_value_chars:
            self.v.add(path, f"the value has {len(m.value)} characters; the limit is {self.limits.max_value_chars}")
            ok = False
        elif m.op in ("=~", "!~"):
            try:
                compile_regex(m.value)
            except RegexError as exc:
                self.v.add(path, f"invalid regular expression {m.value!r}: {exc}")
                ok = False
        return ok

    def matchers(self, data: Mapping[str, Any], path: str, lists: tuple[str, str, str]) -> tuple[Matcher, ...]:
        """``matchers`` (a list) plus the older ``match`` / ``match_re`` maps named by ``lists``."""
        key, eq_map, re_map = lists
        out: list[Matcher] = []
        items = data.get(key, [])
        if not isinstance(items, list):
            self.v.add(join_path(path, key), "expected a list of matchers")
            items = []
        for i, item in enumerate(items):
            if (m := self.matcher(item, join_path(join_path(path, key), i))) is not None:
                out.append(m)
        for map_key, op in ((eq_map, "="), (re_map, "=~")):
            mapping = data.get(map_key, {})
            if not isinstance(mapping, Mapping) or not all(isinstance(v, str) for v in mapping.values()):
                self.v.add(join_path(path, map_key), "expected an object of label names to string values")
                continue
            for name, value in mapping.items():
                m = Matcher(str(name), op, value)
                if self.check_matcher(m, join_path(join_path(path, map_key), str(name))):
                    out.append(m)
        if len(out) > self.limits.max_matchers:
            self.v.add(join_path(path, key), f"has {len(out)} matchers; the limit is {self.limits.max_matchers}")
        return tuple(m.compile(self.patterns) for m in out)

    def names(self, data: Mapping[str, Any], key: str, path: str, limit: int) -> tuple[str, ...] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
            self.v.add(join_path(path, key), "expected a list of label names")
            return None
        if len(value) > limit:
            self.v.add(join_path(path, key), f"has {len(value)} names; the limit is {limit}")
        for i, name in enumerate(value):
            if name != "..." and (len(name) > self.limits.max_name_chars or not _LABEL_NAME.fullmatch(name)):
                self.v.add(join_path(join_path(path, key), i), f"{name[:80]!r} is not a label name")
        return tuple(value)

    def duration(self, data: Mapping[str, Any], key: str, path: str, inherited: float) -> float:
        if key not in data:
            return inherited
        where = join_path(path, key)
        try:
            seconds = parse_duration(data[key])
        except (ValueError, OverflowError) as exc:
            self.v.add(where, str(exc))
            return inherited
        if seconds > self.limits.max_duration:
            self.v.add(where, f"at most {self.limits.max_duration / 86_400:g} days")
        if key != "group_wait" and seconds < self.limits.min_group_interval:
            self.v.add(where, f"must be at least {self.limits.min_group_interval:g}s")
        return seconds

    def route(self, data: Any, path: str, parent: Route | None, index: int, depth: int) -> Route | None:
        if not isinstance(data, Mapping):
            self.v.add(path, "expected an object (a route)")
            return None
        self.count += 1
        if self.count == self.limits.max_routes + 1:
            self.v.add(path, f"more than {self.limits.max_routes} routes")
        if depth > self.limits.max_depth:
            self.v.add(path, f"routes nest at most {self.limits.max_depth} levels deep")
            return None
        allowed = {"receiver", "group_by", "group_wait", "group_interval", "repeat_interval", "continue", "routes"}
        allowed |= {"matchers", "match", "match_re"}
        self.v.check_keys(data, allowed, path)
        matchers = self.matchers(data, path, ("matchers", "match", "match_re"))
        receiver = data.get("receiver", parent.receiver if parent else None)
        if not isinstance(receiver, str) or not receiver:
            self.v.add(join_path(path, "receiver"), "required: a receiver or channel name")
            receiver = ""
        elif "receiver" in data:
            self.receiver_refs.append((join_path(path, "receiver"), receiver))
        cont = data.get("continue", False)
        if not isinstance(cont, bool):
            self.v.add(join_path(path, "continue"), "expected true or false")
            cont = False
        if parent is None and (matchers or cont):
            self.v.add(path, "the root route must not have matchers or continue: every alert enters it")
        group_by = self.names(data, "group_by", path, self.limits.max_group_by)
        if group_by is not None and "..." in group_by and len(group_by) > 1:
            self.v.add(join_path(path, "group_by"), "'...' (every label) must be the only entry")
        if group_by is None:
            by, by_all = (parent.group_by, parent.group_by_all) if parent else ((), False)
        else:
            by, by_all = ((), True) if "..." in group_by else (group_by, False)
        own = matchers_string(matchers)
        node = Route(
            id=f"{parent.id}.{index}" if parent else "0",
            key=f"{parent.key}/{own}" if parent else own,
            matchers=matchers,
            receiver=receiver,
            group_by=by,
            group_by_all=by_all,
            group_wait=self.duration(data, "group_wait", path, parent.group_wait if parent else DEFAULT_GROUP_WAIT),
            group_interval=self.duration(
                data, "group_interval", path, parent.group_interval if parent else DEFAULT_GROUP_INTERVAL
            ),
            repeat_interval=self.duration(
                data, "repeat_interval", path, parent.repeat_interval if parent else DEFAULT_REPEAT_INTERVAL
            ),
            continue_=cont,
            routes=(),
        )
        children = data.get("routes", [])
        if not isinstance(children, list):
            self.v.add(join_path(path, "routes"), "expected a list of routes")
            children = []
        built = []
        for i, child in enumerate(children):
            if self.count > self.limits.max_routes:
                break
            sub = self.route(child, join_path(join_path(path, "routes"), i), node, i, depth + 1)
            if sub is not None:
                built.append(sub)
        return dataclasses.replace(node, routes=tuple(built))

    def receivers(self, data: Any, path: str) -> dict[str, Receiver]:
        out: dict[str, Receiver] = {}
        if not isinstance(data, list):
            self.v.add(path, "expected a list of receivers {name, channels, send_resolved}")
            return out
        if len(data) > self.limits.max_receivers:
            self.v.add(path, f"has {len(data)} receivers; the limit is {self.limits.max_receivers}")
        for i, item in enumerate(data[: self.limits.max_receivers]):
            where = join_path(path, i)
            if not isinstance(item, Mapping):
                self.v.add(where, "expected an object {name, channels, send_resolved}")
                continue
            self.v.check_keys(item, {"name", "channels", "send_resolved"}, where)
            name, channels, resolved = item.get("name"), item.get("channels", []), item.get("send_resolved", True)
            if not isinstance(name, str) or not name or len(name) > 128:
                self.v.add(join_path(where, "name"), "required: a name of 1-128 characters")
                continue
            if name in out:
                self.v.add(join_path(where, "name"), f"receiver {name!r} is declared twice")
            if not isinstance(channels, list) or not all(isinstance(c, str) and c for c in channels):
                self.v.add(join_path(where, "channels"), "expected a list of channel names")
                channels = []
            if len(channels) > self.limits.max_channels_per_receiver:
                self.v.add(join_path(where, "channels"), f"at most {self.limits.max_channels_per_receiver} channels")
            if self.channels is not None:
                for j, channel in enumerate(channels):
                    if channel not in self.channels:
                        self.v.add(join_path(join_path(where, "channels"), j), f"unknown channel {channel!r}")
            if not isinstance(resolved, bool):
                self.v.add(join_path(where, "send_resolved"), "expected true or false")
                resolved = True
            out[name] = Receiver(name, tuple(dict.fromkeys(channels)), resolved)
        return out

    def inhibit_rules(self, data: Any, path: str) -> tuple[InhibitRule, ...]:
        if not isinstance(data, list):
            self.v.add(path, "expected a list of inhibition rules")
            return ()
        if len(data) > self.limits.max_inhibit_rules:
            self.v.add(path, f"has {len(data)} rules; the limit is {self.limits.max_inhibit_rules}")
        out = []
        for i, item in enumerate(data[: self.limits.max_inhibit_rules]):
            where = join_path(path, i)
            if not isinstance(item, Mapping):
                self.v.add(where, "expected an object {source_matchers, target_matchers, equal}")
                continue
            self.v.check_keys(
                item,
                {"source_matchers", "source_match", "source_match_re", "target_matchers", "target_match"}
                | {"target_match_re", "equal"},
                where,
            )
            source = self.matchers(item, where, ("source_matchers", "source_match", "source_match_re"))
            target = self.matchers(item, where, ("target_matchers", "target_match", "target_match_re"))
            equal = self.names(item, "equal", where, self.limits.max_group_by) or ()
            if "..." in equal:
                self.v.add(join_path(where, "equal"), "'...' is not a label name")
            out.append(InhibitRule(source, target, equal))
        return tuple(out)


def parse_routing(data: Any, channels: Collection[str] | None = None, limits: RoutingLimits | None = None) -> Routing:
    """Validate a routing config; raises ValidationError with a violation per problem (paths ``config.*``).

    ``channels``: the tenant's channel names; a receiver naming another channel, or a route naming neither a
    declared receiver nor a channel, is refused. None skips those checks (a stored config being loaded: a
    channel deleted since then fails its deliveries instead).
    """
    limits = limits or RoutingLimits()
    p = _Parser(limits, channels)
    if not isinstance(data, Mapping):
        p.v.add("config", "expected an object {route, receivers, inhibit_rules}")
        p.v.raise_if_any("routing config")
    size = len(json.dumps(data, separators=(",", ":"), default=str).encode())
    if size > limits.max_bytes:
        p.v.add("config", f"is {size} bytes; the limit is {limits.max_bytes}")
        p.v.raise_if_any("routing config")
    p.v.check_keys(data, {"route", "receivers", "inhibit_rules"}, "config")
    if "route" not in data:
        p.v.add("config.route", "required: the root route {receiver, group_by, ..., routes}")
    receivers = p.receivers(data.get("receivers", []), "config.receivers")
    root = p.route(data.get("route"), "config.route", None, 0, 1) if "route" in data else None
    inhibit = p.inhibit_rules(data.get("inhibit_rules", []), "config.inhibit_rules")
    for path, name in p.receiver_refs:
        if name not in receivers and channels is not None and name not in channels:
            p.v.add(path, f"unknown receiver {name!r}: declare it under receivers or name a channel")
    p.v.raise_if_any("routing config")
    assert root is not None
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return Routing(root, receivers, inhibit, hashlib.sha256(canonical.encode()).hexdigest()[:16])
