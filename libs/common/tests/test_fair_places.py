"""A call's fair-share place is leave to run on the event loop: given back while the call waits elsewhere."""

from __future__ import annotations

import asyncio

import pytest

from opsuite_common.fairness import FairShare, Place, waiting_elsewhere


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_without_a_current_place_a_wait_elsewhere_changes_nothing():
    fair = FairShare(1)
    await fair.acquire("a", "/s/M")  # a place taken outside a call (no current place): not this code's to give
    async with waiting_elsewhere():
        assert fair.running("a") == 1
    assert fair.running("a") == 1
    fair.release("a")
    assert fair.totals() == (0, 0)


async def test_a_wait_elsewhere_gives_the_place_back_and_takes_it_again_after():
    fair = FairShare(1, linger_s=0)
    place, token = await Place.enter(fair, "a", "/s/M")
    assert fair.running("a") == 1
    async with waiting_elsewhere():
        assert fair.running("a") == 0 and not place.held
    assert fair.running("a") == 1 and place.held
    place.leave(token)
    assert fair.totals() == (0, 0)


async def test_concurrent_waits_of_one_call_give_the_place_back_once():
    fair = FairShare(1, linger_s=0)
    place, token = await Place.enter(fair, "a", "/s/M")
    gate = asyncio.Event()

    async def wait() -> None:
        async with waiting_elsewhere():
            await gate.wait()

    tasks = [asyncio.create_task(wait()) for _ in range(3)]  # copies of the call's context: the same place
    await _settle()
    assert place.away == 3 and fair.running("a") == 0
    gate.set()
    await asyncio.gather(*tasks)
    assert place.away == 0 and place.held and fair.running("a") == 1
    place.leave(token)
    assert fair.totals() == (0, 0)


async def test_a_call_coming_back_goes_ahead_of_its_tenants_queue():
    fair = FairShare(1, linger_s=0)
    await fair.acquire("b", "/s/M")  # another tenant present
    place, token = await Place.enter(fair, "a", "/s/M")
    upstream = asyncio.Event()
    order: list[str] = []

    async def first() -> None:
        async with waiting_elsewhere():
            await upstream.wait()
        order.append("back")

    async def newcomer(label: str) -> None:
        await fair.acquire("a", "/s/M")
        order.append(label)

    call = asyncio.create_task(first())
    await _settle()
    second = asyncio.create_task(newcomer("second"))  # takes the place the waiting call gave back
    await _settle()
    third = asyncio.create_task(newcomer("third"))  # queued behind it
    await _settle()
    assert order == ["second"] and fair.waiting("a") == 1
    upstream.set()  # the first call's upstream answered: it queues first, ahead of "third"
    await _settle()
    assert fair.waiting("a") == 2 and not call.done()
    fair.release("a")  # "second" ends
    await _settle()
    assert order == ["second", "back"] and call.done() and not third.done()
    place.leave(token)
    await _settle()
    assert order == ["second", "back", "third"]
    fair.release("a")
    fair.release("b")
    assert fair.totals() == (0, 0)
    await second
    await third


async def test_a_cancelled_wait_takes_the_place_back_at_once_even_over_the_share():
    # A timeout around the wait, caught as such, lets the call go on: it must not run on without a place.
    fair = FairShare(1, linger_s=0)
    await fair.acquire("b", "/s/M")
    place, token = await Place.enter(fair, "a", "/s/M")

    async def wait() -> None:
        async with waiting_elsewhere():
            await asyncio.Event().wait()

    task = asyncio.create_task(wait())
    await _settle()
    await fair.acquire("a", "/s/M")  # another call of tenant-a took the place given back
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert place.held and place.away == 0 and fair.running("a") == 2  # over its share of 1, accounted
    place.leave(token)
    fair.release("a")
    fair.release("b")
    assert fair.totals() == (0, 0)


async def test_a_task_that_outlives_its_call_does_not_take_a_place():
    fair = FairShare(1, linger_s=0)
    await fair.acquire("b", "/s/M")
    place, token = await Place.enter(fair, "a", "/s/M")
    upstream = asyncio.Event()

    async def straggler() -> None:
        async with waiting_elsewhere():
            await upstream.wait()

    task = asyncio.create_task(straggler())
    await _settle()
    place.leave(token)  # the call ends while its task still waits elsewhere
    upstream.set()
    await task
    assert fair.running("a") == 0 and fair.waiting("a") == 0
    fair.release("b")
    assert fair.totals() == (0, 0)


async def test_an_error_from_the_wait_still_takes_the_place_back():
    fair = FairShare(1, linger_s=0)
    place, token = await Place.enter(fair, "a", "/s/M")
    with pytest.raises(ConnectionError):
        async with waiting_elsewhere():
            raise ConnectionError("upstream gone")
    assert place.held and fair.running("a") == 1
    place.leave(token)
    assert fair.totals() == (0, 0)


async def test_a_place_granted_after_the_call_ended_is_passed_on():
    fair = FairShare(1, linger_s=0)
    await fair.acquire("b", "/s/M")
    place, token = await Place.enter(fair, "a", "/s/M")
    upstream = asyncio.Event()

    async def straggler() -> None:  # a task of the call left running past its end
        async with waiting_elsewhere():
            await upstream.wait()

    task = asyncio.create_task(straggler())
    await _settle()
    await fair.acquire("a", "/s/M")  # another call of tenant-a takes the free place
    upstream.set()
    await _settle()
    assert fair.waiting("a") == 1  # the straggler queues to come back
    place.leave(token)  # its call ends meanwhile
    fair.release("a")  # the place goes to the straggler, whose call is over: passed on at once
    await task
    assert fair.running("a") == 0
    fair.release("b")
    assert fair.totals() == (0, 0)


async def test_calls_coming_back_are_served_in_the_order_they_came_back():
    fair = FairShare(1, linger_s=0)
    await fair.acquire("b", "/s/M")
    await fair.acquire("a", "/s/M")  # tenant-a at its share: whatever comes back waits
    order: list[str] = []

    async def back(label: str) -> None:
        await fair.take_back("a")
        order.append(label)

    async def new() -> None:
        await fair.acquire("a", "/s/M")
        order.append("new")

    tasks = [asyncio.create_task(new())]
    await _settle()
    for label in ("first", "second", "third"):
        tasks.append(asyncio.create_task(back(label)))
        await _settle()
    for _ in range(4):
        fair.release("a")
        await _settle()
    assert order == ["first", "second", "third", "new"]  # ahead of the new call, in the order they came back
    fair.release("a")
    fair.release("b")
    assert fair.totals() == (0, 0)
    await asyncio.gather(*tasks)
