"""Certificates for tests and for ``./dev up --tls``: a small certificate authority made with ``cryptography``.

EC P-256 keys (fast to generate), PEM-encoded, private keys in PKCS#8 without a passphrase (what gRPC's
BoringSSL, grpcurl and :mod:`opsuite_common.tls` read)::

    ca = CertificateAuthority("test CA")
    server = ca.issue("localhost", dns=["localhost"], ips=["127.0.0.1"])   # serverAuth
    client = ca.issue("alice", client=True)                                # clientAuth
    paths = server.write(tmp_path, "server")          # server.pem, server-key.pem

:func:`write_dev_pki` lays out the development CA of ``./dev up --tls``. Never use these for production:
nothing protects the CA's key and nothing revokes a certificate.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from opsuite_common.settings import ClientSettings

__all__ = ["CertificateAuthority", "DevPki", "Issued", "write_dev_pki"]

_DAY = datetime.timedelta(days=1)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write_private(path: Path, data: bytes) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_bytes(data)


@dataclass(frozen=True)
class Issued:
    """A certificate and its private key, PEM-encoded."""

    cert_pem: bytes
    key_pem: bytes

    def write(self, folder: Path, stem: str) -> tuple[Path, Path]:
        """Write ``<stem>.pem`` and ``<stem>-key.pem`` (mode 0600) into ``folder``; returns both paths."""
        folder.mkdir(parents=True, exist_ok=True)
        cert, key = folder / f"{stem}.pem", folder / f"{stem}-key.pem"
        cert.write_bytes(self.cert_pem)
        _write_private(key, self.key_pem)
        return cert, key


class CertificateAuthority:
    """A self-signed CA that issues server and client certificates."""

    def __init__(self, name: str = "opsuite test CA", *, valid_days: int = 30) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(datetime.UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _DAY)
            .not_valid_after(now + valid_days * _DAY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )

    @property
    def cert_pem(self) -> bytes:
        """The CA certificate (the bundle a peer trusts)."""
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def write(self, path: Path) -> Path:
        """Write the CA certificate to ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.cert_pem)
        return path

    def issue(
        self,
        common_name: str,
        *,
        dns: Iterable[str] = (),
        ips: Iterable[str] = (),
        client: bool = False,
        valid_days: int = 30,
        expired: bool = False,
    ) -> Issued:
        """A leaf certificate: for a server (``serverAuth``, SANs ``dns`` and ``ips``) or, with ``client``, for
        a client (``clientAuth``). ``expired``: one whose validity ended yesterday."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        start, end = (now - 3 * _DAY, now - _DAY) if expired else (now - _DAY, now + valid_days * _DAY)
        names: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
        names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
        usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
            .issuer_name(self.name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
        )
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        return Issued(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key))


@dataclass(frozen=True)
class DevPki:
    """The files of a development CA: the CA certificate, a server certificate and a client certificate."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path

    def server_env(self, prefix: str) -> dict[str, str]:
        """A service's settings for TLS with client certificates required (``prefix``: ``OPSUITE_OPS_``...)."""
        return {
            f"{prefix}TLS_CERT_FILE": str(self.server_cert),
            f"{prefix}TLS_KEY_FILE": str(self.server_key),
            f"{prefix}TLS_CLIENT_CA_FILE": str(self.ca),
            f"{prefix}TLS_REQUIRE_CLIENT_CERT": "true",
        }

    def client_settings(self) -> ClientSettings:
        """Client settings that trust the CA and show the client certificate."""
        return ClientSettings(
            tls_ca_file=str(self.ca), tls_cert_file=str(self.client_cert), tls_key_file=str(self.client_key)
        )

    def client_env(self) -> dict[str, str]:
        """The ``OPSUITE_CLIENT_TLS_*`` settings of a client that trusts the CA and shows the client certificate."""
        return {
            "OPSUITE_CLIENT_TLS_CA_FILE": str(self.ca),
            "OPSUITE_CLIENT_TLS_CERT_FILE": str(self.client_cert),
            "OPSUITE_CLIENT_TLS_KEY_FILE": str(self.client_key),
        }


def _still_valid(paths: Iterable[Path], margin: datetime.timedelta) -> bool:
    try:
        certs = [x509.load_pem_x509_certificate(p.read_bytes()) for p in paths]
    except (OSError, ValueError):
        return False
    return all(c.not_valid_after_utc > datetime.datetime.now(datetime.UTC) + margin for c in certs)


def write_dev_pki(folder: Path, *, valid_days: int = 90) -> DevPki:
    """The development CA in ``folder`` (``ca.pem``, ``server.pem``/``server-key.pem`` for 127.0.0.1, ::1 and
    localhost, ``client.pem``/``client-key.pem``), made anew unless every file is there and valid for another
    week. The CA's key is not kept: a new set replaces the whole set."""
    pki = DevPki(
        ca=folder / "ca.pem",
        server_cert=folder / "server.pem",
        server_key=folder / "server-key.pem",
        client_cert=folder / "client.pem",
        client_key=folder / "client-key.pem",
    )
    certs = (pki.ca, pki.server_cert, pki.client_cert)
    if pki.server_key.exists() and pki.client_key.exists() and _still_valid(certs, 7 * _DAY):
        return pki
    ca = CertificateAuthority("opsuite development CA", valid_days=valid_days + 1)
    ca.write(pki.ca)
    ca.issue("localhost", dns=["localhost"], ips=["127.0.0.1", "::1"], valid_days=valid_days).write(folder, "server")
    ca.issue("opsuite-dev-client", client=True, valid_days=valid_days).write(folder, "client")
    return pki
