"""Write the secrets docker-compose.yml reads (``python3 tools/compose_secrets.py [--force]``).

Each secret is one file under ``.secrets/`` (a folder only its owner may enter): the PostgreSQL password,
the database URL that carries it, the JWT signing secret and the Fernet keys of api_manager's data source
credentials and cep's channel secrets. The services read them from ``/run/secrets/<name>`` through the
settings' ``*_FILE`` variables (``opsuite_common.secretfiles``), so no secret is in the containers'
environment. Compose bind-mounts the files as they are, so each is readable by the image's user
(uid 10001): mode 0644, guarded by the folder's 0700. Existing files are kept unless ``--force``.

Uses only the standard library (``secrets``, ``base64``) so that it runs before any virtualenv exists.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / ".secrets"


def _fernet_key() -> str:
    """A Fernet key: 32 random bytes, URL-safe base64 (what ``Fernet.generate_key()`` returns)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def values(password: str) -> dict[str, str]:
    """Every secret's content, given the database password."""
    return {
        "postgres_password": password,
        "database_url": f"postgresql://opsuite:{password}@postgres:5432/opsuite",
        "jwt_secret": secrets.token_hex(32),
        "api_manager_secret_key": _fernet_key(),
        "cep_secret_key": _fernet_key(),
    }


def write(folder: Path = FOLDER, *, force: bool = False) -> list[str]:
    """Write the files that are missing (all with ``force``); returns the names written."""
    folder.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)
    existing = folder / "postgres_password"
    password = existing.read_text().strip() if existing.is_file() and not force else secrets.token_urlsafe(24)
    written = []
    for name, value in values(password).items():
        path = folder / name
        if path.exists() and not force:
            continue
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "w") as f:
            f.write(value + "\n")
        path.chmod(0o644)
        written.append(name)
    return written


def main() -> None:
    """Write the missing secrets and say which."""
    written = write(force="--force" in sys.argv[1:])
    print(f"{FOLDER}: wrote {', '.join(written) if written else 'nothing (all present; --force rewrites them)'}")


if __name__ == "__main__":
    main()
