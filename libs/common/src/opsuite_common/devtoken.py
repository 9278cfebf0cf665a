"""Mint a development token: ``./dev token --tenant demo --role admin``.

The signing key comes from ``OPSUITE_AUTH_JWT_SECRET`` (HS256) or ``OPSUITE_AUTH_JWT_PRIVATE_KEY``
(RS256), or from ``--secret-file`` (the dev stack writes ``.run/jwt-secret``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import SecretStr

from opsuite_common.auth import TENANT_PATTERN
from opsuite_common.settings import AuthSettings

__all__ = ["main", "mint_from_args"]


def mint_from_args(argv: list[str] | None = None) -> str:
    """Parse arguments and return a signed token."""
    parser = argparse.ArgumentParser(prog="./dev token", description="Mint an opsuite development token.")
    parser.add_argument("--tenant", default="demo")
    parser.add_argument("--subject", default="dev")
    parser.add_argument("--role", action="append", choices=["viewer", "editor", "admin"], help="repeatable")
    parser.add_argument("--ttl", type=float, default=24 * 3600, help="seconds until expiry")
    parser.add_argument("--secret-file", type=Path, default=Path(".run/jwt-secret"))
    args = parser.parse_args(argv)
    if TENANT_PATTERN.fullmatch(args.tenant) is None:
        parser.error(f"--tenant {args.tenant!r}: use 1-63 lower-case letters, digits, '-' or '_'")
    auth = AuthSettings()
    if auth.jwt_algorithm == "HS256" and auth.jwt_secret is None:
        if not args.secret_file.exists():
            parser.error(f"no OPSUITE_AUTH_JWT_SECRET and no {args.secret_file}; start the stack with ./dev up first")
        auth = AuthSettings(jwt_secret=SecretStr(args.secret_file.read_text().strip()))
    return auth.issuer().mint(subject=args.subject, tenant=args.tenant, roles=args.role or ["admin"], ttl_s=args.ttl)


def main() -> None:
    """Print the token on stdout."""
    try:
        print(mint_from_args())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
