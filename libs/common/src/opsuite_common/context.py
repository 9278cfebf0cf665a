"""Request-scoped context shared by the server interceptors and the outgoing client."""

from __future__ import annotations

import contextvars
import random
import re

__all__ = ["REQUEST_ID_HEADER", "current_request_id", "new_request_id", "request_id_var", "sanitize_request_id"]

#: Metadata key carrying the request id in and out of every service.
REQUEST_ID_HEADER = "x-request-id"

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("opsuite_request_id", default=None)

_VALID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def new_request_id() -> str:
    """A fresh 128-bit random request id (hex).

    Not a secret, so the fast non-cryptographic generator is enough: uuid4's os.urandom system
    call was the single largest cost of the server pipeline on every call without an id.
    """
    return f"{random.getrandbits(128):032x}"


def sanitize_request_id(value: str | None) -> str:
    """The caller's request id when it is a short, safe token; otherwise a fresh one."""
    if value and _VALID.match(value):
        return value
    return new_request_id()


def current_request_id() -> str | None:
    """The request id of the RPC being served, if any."""
    return request_id_var.get()
