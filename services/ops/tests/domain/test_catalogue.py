import pytest

from opsuite_common.auth import Identity, Role
from opsuite_common.errors import Code, ServiceUnavailableError, error_class_for
from opsuite_ops.domain.catalogue import CachedCatalogue, ToolCatalogue
from opsuite_ops.domain.in_memory import InMemoryCatalogue
from opsuite_ops.domain.model import Tool


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def catalogue() -> InMemoryCatalogue:
    cat = InMemoryCatalogue()
    cat.add(Tool("shared", "everyone"))
    cat.add(Tool("acme_only", "acme"), tenants=["acme"])
    return cat


async def test_ttl_cache_per_tenant(identity: Identity) -> None:
    source, clock = catalogue(), Clock()
    cached = CachedCatalogue(source, ttl_s=10, clock=clock)
    assert isinstance(cached, ToolCatalogue)
    assert {t.name for t in await cached.list_tools(identity)} == {"shared", "acme_only"}
    await cached.list_tools(identity)
    assert source.list_calls == 1
    other = Identity("bob", "globex", frozenset({Role.VIEWER}))
    assert {t.name for t in await cached.list_tools(other)} == {"shared"}
    assert source.list_calls == 2
    clock.t = 11
    await cached.list_tools(identity)
    assert source.list_calls == 3


async def test_serves_last_good_catalogue_when_discovery_fails(identity: Identity) -> None:
    source, clock = catalogue(), Clock()
    cached = CachedCatalogue(source, ttl_s=5, clock=clock)
    assert not (await cached.snapshot(identity)).stale
    source.down, clock.t = True, 60
    snap = await cached.snapshot(identity)
    assert snap.stale and len(snap.tools) == 2
    assert "last good catalogue" in snap.note and "60s ago" in snap.note


async def test_no_catalogue_at_all_is_unavailable(identity: Identity) -> None:
    source = catalogue()
    source.down = True
    with pytest.raises(ServiceUnavailableError) as err:
        await CachedCatalogue(source).snapshot(identity)
    assert err.value.reason == "TOOL_CATALOGUE_UNAVAILABLE"
    assert "api_manager" in err.value.message
    # ops is healthy: the failure is api_manager's, so callers' breakers toward ops do not count it.
    assert err.value.dependency == "api_manager"


async def test_a_failed_discovery_is_reported_with_its_own_cause_not_as_a_rate_limit(identity: Identity) -> None:
    """A catalogue too big for one message (RESOURCE_EXHAUSTED, no reason) once read as RATE_LIMITED."""

    class Oversized(InMemoryCatalogue):
        async def list_tools(self, identity: Identity) -> list[Tool]:
            raise error_class_for(Code.RESOURCE_EXHAUSTED, None)("Received message larger than max")

    with pytest.raises(ServiceUnavailableError) as err:
        await CachedCatalogue(Oversized()).snapshot(identity)
    message = err.value.message
    assert err.value.metadata["cause"] == "RESOURCE_LIMIT" and "RATE_LIMITED" not in message
    assert "larger than max" in message and "fix that cause" in message


async def test_invalidate_forces_a_refresh(identity: Identity) -> None:
    source = catalogue()
    cached = CachedCatalogue(source, ttl_s=100)
    await cached.list_tools(identity)
    source.add(Tool("new_tool"))
    cached.invalidate("acme")
    assert "new_tool" in {t.name for t in await cached.list_tools(identity)}
