"""The server sets the interpreter's thread switch interval from its settings (bench/noisy_neighbour measured it)."""

from __future__ import annotations

import sys

import pytest

from opsuite_common.settings import ServiceSettings
from opsuite_common.testing.servers import running_echo_server


async def test_building_a_server_sets_the_switch_interval() -> None:
    before = sys.getswitchinterval()
    try:
        async with running_echo_server(gil_switch_interval_ms=2.5):
            assert sys.getswitchinterval() == pytest.approx(0.0025)
        assert ServiceSettings().gil_switch_interval_ms == 1.0  # the default
    finally:
        sys.setswitchinterval(before)


def test_the_switch_interval_is_bounded() -> None:
    with pytest.raises(ValueError):
        ServiceSettings(gil_switch_interval_ms=0)
    with pytest.raises(ValueError):
        ServiceSettings(gil_switch_interval_ms=1000)
