"""What a failing call raised, read back as the client reads it (the status code, then the typed error)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import grpc
import pytest

from opsuite_common.errors import OpsuiteError, ValidationError
from opsuite_common.rpc_status import from_grpc_error

__all__ = ["invalid_argument", "rpc_error"]


async def rpc_error(call: Awaitable[Any], code: grpc.StatusCode | None = None) -> OpsuiteError:
    """Await ``call``, which must fail (with ``code`` when given); the error as the client's mapping gives it."""
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    if code is not None:
        assert info.value.code() is code, f"expected {code.name}, got {info.value.code().name}: {info.value.details()}"
    return from_grpc_error(info.value)


async def invalid_argument(call: Awaitable[Any]) -> ValidationError:
    """Await ``call``, which must fail with INVALID_ARGUMENT; its :class:`ValidationError` (field violations)."""
    err = await rpc_error(call, grpc.StatusCode.INVALID_ARGUMENT)
    assert isinstance(err, ValidationError), err
    return err
