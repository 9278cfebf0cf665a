"""One live process per instance id and database (SQLite file lock, PostgreSQL advisory lock)."""

from __future__ import annotations

import pytest

from opsuite_common.db import Database, InstanceInUseError, claim_instance, instance_owner


async def test_an_instance_id_is_held_until_released_and_refused_meanwhile(db_url: str) -> None:
    first_db, second_db = Database.from_url(db_url), Database.from_url(db_url)
    try:
        release = await claim_instance(first_db, "svc", "node-1", setting="OPSUITE_SVC_INSTANCE_ID")
        with pytest.raises(InstanceInUseError) as info:  # another "process" (its own engine) with the same id
            await claim_instance(second_db, "svc", "node-1", setting="OPSUITE_SVC_INSTANCE_ID")
        assert "OPSUITE_SVC_INSTANCE_ID" in str(info.value) and "'node-1'" in str(info.value)
        other = await claim_instance(second_db, "svc", "node-2", setting="OPSUITE_SVC_INSTANCE_ID")  # another id
        also_other_service = await claim_instance(second_db, "ops", "node-1", setting="OPSUITE_OPS_INSTANCE_ID")
        await release()
        again = await claim_instance(second_db, "svc", "node-1", setting="OPSUITE_SVC_INSTANCE_ID")
        for done in (again, other, also_other_service):
            await done()
    finally:
        await first_db.dispose()
        await second_db.dispose()


def test_the_default_instance_id_is_the_host_name() -> None:
    import socket

    assert instance_owner("") == socket.gethostname()
    assert instance_owner("pod-3") == "pod-3"
