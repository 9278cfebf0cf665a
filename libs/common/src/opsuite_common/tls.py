"""TLS and mTLS from PEM files: the servers' credentials and the clients' between services, the CLI's and the probe's.

Server (:class:`~opsuite_common.settings.ServiceSettings`, ``<P>`` = the service's prefix):

- ``<P>TLS_CERT_FILE`` and ``<P>TLS_KEY_FILE``: the certificate chain (the server's certificate first) and
  its private key; with both the port serves TLS only (``add_secure_port``), without either plaintext;
- ``<P>TLS_CLIENT_CA_FILE`` and ``<P>TLS_REQUIRE_CLIENT_CERT=true``: mTLS, every client shows a certificate
  that chains to that bundle. They go together: gRPC verifies client certificates only when it requires
  them (a bundle without the switch would let any certificate in), so either one alone is refused.

Client (:class:`~opsuite_common.settings.ClientSettings`, ``OPSUITE_CLIENT_``): ``TLS_CA_FILE`` (the bundle
to trust; ``TLS=true`` alone trusts the system's CAs), ``TLS_CERT_FILE`` and ``TLS_KEY_FILE`` (the client's
certificate for mTLS), ``TLS_SERVER_NAME`` (the name the server's certificate must carry instead of the
target's host: ``grpc.ssl_target_name_override``, for tests and for targets that list addresses).

Settings hold paths, never key material: the key stays in its file (the ``*_FILE`` convention of
:mod:`opsuite_common.secretfiles`), and is read when a server is built (each worker process reads its own)
or a client's channel opens. :func:`check_service_settings` reads them all at start-up. Every problem is a
:class:`TlsConfigError`, one line naming the setting: a file missing, unreadable or without PEM, a key that
is encrypted or does not match its certificate, a setting missing its partner.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc

from opsuite_common.logging import get_logger

if TYPE_CHECKING:
    from opsuite_common.settings import ClientSettings, ServiceSettings

__all__ = [
    "ClientTls",
    "ServerTls",
    "TlsConfigError",
    "aio_channel",
    "check_service_settings",
    "client_tls",
    "handshake_failure",
    "server_tls",
    "sync_channel",
]

log = get_logger("opsuite.tls")

#: A PEM file larger than this is not a certificate bundle or a key but a wrong path.
MAX_PEM_BYTES = 1024 * 1024
ChannelOptions = Sequence[tuple[str, Any]]


class TlsConfigError(ValueError):
    """A TLS setting that cannot be used; the message is one line that names the setting."""


@dataclass(frozen=True)
class ServerTls:
    """A server's TLS material, read and checked."""

    cert_chain: bytes
    key: bytes
    client_ca: bytes | None

    @property
    def require_client_cert(self) -> bool:
        """mTLS: every client must show a certificate signed by ``client_ca``."""
        return self.client_ca is not None

    def credentials(self) -> grpc.ServerCredentials:
        """The credentials for ``add_secure_port``."""
        return grpc.ssl_server_credentials(
            [(self.key, self.cert_chain)],
            root_certificates=self.client_ca,
            require_client_auth=self.require_client_cert,
        )

    def describe(self) -> str:
        """``TLS`` or ``TLS, client certificates required``."""
        return "TLS, client certificates required" if self.require_client_cert else "TLS"


@dataclass(frozen=True)
class ClientTls:
    """A client's TLS material, read and checked."""

    #: The CA bundle to trust (None: the system's, as gRPC finds them).
    root_ca: bytes | None
    cert_chain: bytes | None
    key: bytes | None
    server_name: str

    def credentials(self) -> grpc.ChannelCredentials:
        """The channel credentials."""
        return grpc.ssl_channel_credentials(self.root_ca, self.key, self.cert_chain)

    def options(self) -> list[tuple[str, Any]]:
        """Channel options TLS adds (the server-name override)."""
        return [("grpc.ssl_target_name_override", self.server_name)] if self.server_name else []


# ------------------------------------------------------------------------------------------ reading files
class _Names:
    """How errors name a settings object's fields: its env variables, or the names a caller gives (CLI flags)."""

    def __init__(self, settings: object, names: Mapping[str, str] | None) -> None:
        self.prefix = str(getattr(type(settings), "model_config", {}).get("env_prefix", "")).upper()
        self.names = names or {}

    def __call__(self, field: str) -> str:
        return self.names.get(field) or f"{self.prefix}{field.upper()}"


def _read(setting: str, path: str) -> bytes:
    try:
        with Path(path).open("rb") as f:
            data = f.read(MAX_PEM_BYTES + 1)
    except OSError as exc:
        raise TlsConfigError(f"{setting}: cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_PEM_BYTES:
        raise TlsConfigError(f"{setting}: {path} is larger than {MAX_PEM_BYTES} bytes; is it the right file?")
    if not data.strip():
        raise TlsConfigError(f"{setting}: {path} is empty")
    return data


def _certificates(setting: str, path: str) -> tuple[bytes, list[Any]]:
    from cryptography import x509  # only when TLS is configured

    data = _read(setting, path)
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise TlsConfigError(f"{setting}: {path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)") from None
    now = datetime.datetime.now(datetime.UTC)
    for cert in certs:
        if cert.not_valid_after_utc < now:
            # Not refused: a service restarted while its certificate is being renewed should still start.
            log.warning(
                "certificate expired", setting=setting, path=path, subject=cert.subject.rfc4514_string(),
                not_after=cert.not_valid_after_utc.isoformat(),
            )  # fmt: skip
    return data, certs


def _key_pair(cert_setting: str, cert_path: str, key_setting: str, key_path: str) -> tuple[bytes, bytes]:
    """The certificate chain and its key, checked to belong together."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    chain, certs = _certificates(cert_setting, cert_path)
    key_pem = _read(key_setting, key_path)
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except TypeError:
        raise TlsConfigError(
            f"{key_setting}: {key_path} is encrypted; a passphrase is not supported (decrypt it, e.g. "
            f"openssl pkey -in {key_path} -out <plain key file>, and keep that file private)"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise TlsConfigError(f"{key_setting}: {key_path} holds no PEM private key") from None
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if certs[0].public_key().public_bytes(*spki) != key.public_key().public_bytes(*spki):
        raise TlsConfigError(
            f"{key_setting}: the key in {key_path} does not belong to the first certificate in {cert_path} "
            f"({cert_setting})"
        )
    return chain, key_pem


def _pair(name: _Names, cert_field: str, key_field: str, cert: str, key: str) -> tuple[bytes, bytes] | None:
    if not cert and not key:
        return None
    if not cert or not key:
        given, missing = (cert_field, key_field) if cert else (key_field, cert_field)
        raise TlsConfigError(f"{name(given)} is set but {name(missing)} is not: set both (a certificate and its key)")
    return _key_pair(name(cert_field), cert, name(key_field), key)


# ------------------------------------------------------------------------------------------------ server
def server_tls(settings: ServiceSettings) -> ServerTls | None:
    """The server's TLS material from its settings (None: plaintext); raises :class:`TlsConfigError`."""
    name = _Names(settings, None)
    ca, require = settings.tls_client_ca_file, settings.tls_require_client_cert
    pair = _pair(name, "tls_cert_file", "tls_key_file", settings.tls_cert_file, settings.tls_key_file)
    if pair is None:
        if ca or require:
            which = "tls_client_ca_file" if ca else "tls_require_client_cert"
            raise TlsConfigError(
                f"{name(which)} needs {name('tls_cert_file')} and {name('tls_key_file')}: "
                "client certificates are checked only over TLS"
            )
        return None
    if require and not ca:
        raise TlsConfigError(
            f"{name('tls_require_client_cert')} is true but {name('tls_client_ca_file')} is not set: "
            "name the CA bundle client certificates must chain to"
        )
    if ca and not require:
        raise TlsConfigError(
            f"{name('tls_client_ca_file')} is set but {name('tls_require_client_cert')} is false: gRPC checks "
            "client certificates only when it requires them; set it to true (mTLS) or unset the CA bundle"
        )
    client_ca = _certificates(name("tls_client_ca_file"), ca)[0] if ca else None
    return ServerTls(cert_chain=pair[0], key=pair[1], client_ca=client_ca)


# ------------------------------------------------------------------------------------------------ client
def client_tls(settings: ClientSettings, names: Mapping[str, str] | None = None) -> ClientTls | None:
    """A client's TLS material from its settings (None: plaintext); raises :class:`TlsConfigError`.

    ``names`` maps fields to how errors call them (the CLI's flags); by default their env variables."""
    name = _Names(settings, names)
    pair = _pair(name, "tls_cert_file", "tls_key_file", settings.tls_cert_file, settings.tls_key_file)
    if not (settings.tls or settings.tls_ca_file or pair):
        if settings.tls_server_name:
            raise TlsConfigError(
                f"{name('tls_server_name')} is set but TLS is off: set {name('tls_ca_file')} (or {name('tls')})"
            )
        return None
    root = _certificates(name("tls_ca_file"), settings.tls_ca_file)[0] if settings.tls_ca_file else None
    return ClientTls(
        root_ca=root,
        cert_chain=pair[0] if pair else None,
        key=pair[1] if pair else None,
        server_name=settings.tls_server_name,
    )


def aio_channel(target: str, settings: ClientSettings, options: ChannelOptions = ()) -> grpc.aio.Channel:
    """An asyncio channel to ``target``: TLS when ``settings`` ask for it, else plaintext."""
    tls = client_tls(settings)
    if tls is None:
        return grpc.aio.insecure_channel(target, options=list(options))
    return grpc.aio.secure_channel(target, tls.credentials(), options=[*options, *tls.options()])


def sync_channel(target: str, settings: ClientSettings | None, options: ChannelOptions = ()) -> grpc.Channel:
    """A blocking channel to ``target`` (probes, tools): TLS when ``settings`` ask for it, else plaintext."""
    tls = client_tls(settings) if settings is not None else None
    if tls is None:
        return grpc.insecure_channel(target, options=list(options))
    return grpc.secure_channel(target, tls.credentials(), options=[*options, *tls.options()])


def check_service_settings(settings: ServiceSettings) -> str:
    """Read and check a service's TLS files, its server's and its clients' (start-up, before serving);
    returns how the port is served: ``plaintext``, ``TLS`` or ``TLS, client certificates required``."""
    server = server_tls(settings)
    client_tls(settings.client)
    return server.describe() if server is not None else "plaintext"


# -------------------------------------------------------------------------------------- client-side errors
_SSL_REASON = re.compile(r"OPENSSL_internal:([A-Z_]+)(?::\s*([^:]+))?")


def handshake_failure(details: str) -> str | None:
    """A person's words for a TLS failure in grpc's error text, or None when it is not one.

    "... Tls handshake failed (TSI_PROTOCOL_FAILURE): SSL_ERROR_SSL: error:1000007d:SSL
    routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED: certificate has expired: OK" ->
    "TLS handshake failed: the server's certificate was not accepted (certificate has expired)".
    """
    if "Hostname Verification Check failed" in details:
        return "TLS handshake failed: the server's certificate is not issued for the host name called"
    if "handshake failed" not in details.lower():
        return None
    found = _SSL_REASON.search(details)
    code, why = (found.group(1), (found.group(2) or "").strip()) if found else ("", "")
    if code == "CERTIFICATE_VERIFY_FAILED":
        return f"TLS handshake failed: the server's certificate was not accepted ({why or 'verification failed'})"
    if code == "WRONG_VERSION_NUMBER":
        return "TLS handshake failed: the server does not speak TLS (is it serving plaintext?)"
    return f"TLS handshake failed ({code.lower().replace('_', ' ') or 'no reason given'})"
