"""The CLI's paging: every page asked for, the limit honoured, and "more" only when items were left."""

from __future__ import annotations

from opsuite.cep.v1 import cep_pb2
from opsuite.common.v1 import common_pb2
from opsuite_cli import listing
from opsuite_cli.listing import fetch


class _Server:
    """ListSilences over ``n`` silences, pages of at most ``cap`` (a server caps pages by bytes too)."""

    def __init__(self, n: int, cap: int) -> None:
        self.ids = [f"s{i}" for i in range(n)]
        self.cap = cap
        self.asked: list[tuple[int, str]] = []

    async def __call__(self, request: cep_pb2.ListSilencesRequest) -> cep_pb2.ListSilencesResponse:
        self.asked.append((request.page.page_size, request.page.page_token))
        start = int(request.page.page_token or 0)
        end = min(start + min(request.page.page_size, self.cap), len(self.ids))
        token = str(end) if end < len(self.ids) else ""
        resp = cep_pb2.ListSilencesResponse(page=common_pb2.PageResponse(next_page_token=token))
        for i in self.ids[start:end]:
            resp.silences.add().meta.id = i
        return resp


async def _ids(server: _Server, limit: int | None) -> tuple[list[str], bool]:
    found, more = await fetch(server, cep_pb2.ListSilencesRequest(), "silences", limit)
    return [s.meta.id for s in found], more


async def test_every_page_is_fetched_without_a_limit() -> None:
    server = _Server(7, cap=3)
    assert await _ids(server, None) == ([f"s{i}" for i in range(7)], False)
    assert server.asked == [(listing.PAGE_SIZE, ""), (listing.PAGE_SIZE, "3"), (listing.PAGE_SIZE, "6")]


async def test_a_limit_stops_the_paging_and_says_more_were_left() -> None:
    server = _Server(7, cap=3)
    assert await _ids(server, 5) == (["s0", "s1", "s2", "s3", "s4"], True)
    assert server.asked == [(5, ""), (2, "3")]  # the second page asks only for what the limit still allows


async def test_a_limit_reached_exactly_at_the_end_says_nothing_more() -> None:
    assert await _ids(_Server(6, cap=3), 6) == ([f"s{i}" for i in range(6)], False)
