"""Secret settings read from files: ``OPSUITE_AUTH_JWT_SECRET_FILE=/run/secrets/jwt`` next to the variable.

Orchestrators hand secrets over as files (Docker and Compose ``secrets:``, Kubernetes secret volumes),
so that they never sit in the process environment, where ``docker inspect``, ``/proc/<pid>/environ`` and
crash reports show them. Every secret setting (``SecretStr`` fields, plus the URLs that may carry a
password: ``database_url`` and ``rate_limit_redis_url``) therefore also accepts ``<VARIABLE>_FILE``: the
path of a file whose content is the value (one trailing newline removed, as ``echo`` leaves one).

Setting both the variable (to a non-empty value) and its ``_FILE`` is refused at start-up (which one was
meant is a guess), as is a ``_FILE`` that cannot be read or is empty: a service never starts without the
secret it was told to read. An empty variable beside its ``_FILE`` counts as unset (compose's ``${X:-}``
leaves one): the file gives the value, never the empty string. Values given in code (``Settings(...)``) win
over both. Settings errors never echo the value they refused (``hide_input_in_errors``): it may be a secret
read from its file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

__all__ = ["FILE_SUFFIX", "SECRET_URL_FIELDS", "FileSecretSettings", "SecretFilesSource", "secret_fields"]

FILE_SUFFIX = "_FILE"
#: Settings that are not ``SecretStr`` but may hold a password in their URL.
SECRET_URL_FIELDS = frozenset({"database_url", "rate_limit_redis_url"})
#: A secret file larger than this is not a secret but a mistake (a wrong path).
MAX_SECRET_FILE_BYTES = 64 * 1024


def _is_secret(info: FieldInfo) -> bool:
    annotation = info.annotation
    if annotation is SecretStr:
        return True
    return SecretStr in getattr(annotation, "__args__", ())


def secret_fields(settings_cls: type[BaseSettings]) -> list[str]:
    """The fields of ``settings_cls`` that accept ``<VARIABLE>_FILE``."""
    return [name for name, info in settings_cls.model_fields.items() if _is_secret(info) or name in SECRET_URL_FIELDS]


class SecretFilesSource(PydanticBaseSettingsSource):
    """Values of secret settings from the files that ``<PREFIX><FIELD>_FILE`` variables name."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        self._prefix = str(settings_cls.model_config.get("env_prefix", "")).upper()

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Required by the base class; :meth:`__call__` reads every field at once."""
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        """``{field: value}`` for every secret field whose ``_FILE`` variable is set."""
        environ = {k.upper(): v for k, v in os.environ.items()}
        values: dict[str, Any] = {}
        for name in secret_fields(self.settings_cls):
            variable = f"{self._prefix}{name.upper()}"
            path = environ.get(variable + FILE_SUFFIX)
            if not path:
                continue
            if environ.get(variable):
                raise ValueError(f"{variable} and {variable}{FILE_SUFFIX} are both set; set one of them")
            values[name] = _read(variable + FILE_SUFFIX, Path(path))
        return values


def _read(variable: str, path: Path) -> str:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_SECRET_FILE_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"{variable}: cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_SECRET_FILE_BYTES:
        raise ValueError(f"{variable}: {path} is larger than {MAX_SECRET_FILE_BYTES} bytes; is it the right file?")
    try:
        text = data.decode()
    except UnicodeDecodeError as exc:
        raise ValueError(f"{variable}: {path} is not UTF-8 text") from exc
    text = text.removesuffix("\n").removesuffix("\r")
    if not text:
        raise ValueError(f"{variable}: {path} is empty")
    return text


class FileSecretSettings(BaseSettings):
    """A ``BaseSettings`` whose secret fields also read ``<VARIABLE>_FILE`` (precedence: values given in
    code, then the ``_FILE`` variables, then the environment, then defaults; a variable and its ``_FILE``
    both non-empty is refused)."""

    # Subclasses' model_config is merged with this one: no settings error shows the refused input.
    model_config = SettingsConfigDict(hide_input_in_errors=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Insert :class:`SecretFilesSource` before the environment (an empty variable must not win over its
        file; a non-empty one beside its file is refused by the source itself)."""
        return init_settings, SecretFilesSource(settings_cls), env_settings, dotenv_settings, file_secret_settings
