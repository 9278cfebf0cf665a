"""A second live api_manager with the same instance id on the same database is refused at start-up: it
would otherwise mark the first one's running executions ABORTED."""

from __future__ import annotations

import pytest

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite_common.db import InstanceInUseError


async def test_a_second_process_with_the_same_instance_id_is_refused_and_a_distinct_id_starts(start_lite):
    first = await start_lite(instance_id="am-1")
    with pytest.raises(InstanceInUseError) as info:
        await start_lite(instance_id="am-1")
    assert "OPSUITE_API_MANAGER_INSTANCE_ID" in str(info.value)
    second = await start_lite(instance_id="am-2")  # a replica with its own id shares the database
    for c in (first, second):
        listed = await c.stub.ListApis(pb.ListApisRequest(), metadata=c.md("viewer"))
        assert list(listed.apis) == []
