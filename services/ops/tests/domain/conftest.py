"""Fixtures for the ops domain tests: an identity, the demo catalogue and a fake OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from opsuite_common.auth import Identity, Role
from opsuite_common.testing.llm import FakeLlm
from opsuite_ops.domain.in_memory import InMemoryCatalogue

from ..demo_estate import demo_catalogue


@pytest.fixture
def fake_llm() -> Iterator[FakeLlm]:
    llm = FakeLlm()
    yield llm
    llm.stop()


@pytest.fixture
def identity() -> Identity:
    return Identity(subject="alice", tenant="acme", roles=frozenset({Role.VIEWER}))


@pytest.fixture
def demo() -> InMemoryCatalogue:
    return demo_catalogue()
