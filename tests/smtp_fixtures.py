"""Real SMTP servers for the mail tests: aiosmtpd on 127.0.0.1, a free port, optionally TLS and AUTH.

Import the fixtures into a test module (`from tests.smtp_fixtures import *` or by name). The TLS
certificate is issued in the test by a throw-away CA; the client trusts it through GONGKAI_SMTP_CAFILE,
exactly as a town with a self-signed server would.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

aiosmtpd = pytest.importorskip("aiosmtpd", reason="aiosmtpd is needed for the real-server mail tests")

from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

USER, PASSWORD = "gongkai", "s3cret-密码"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    authenticated: bool
    tls: bool

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.content, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Collector:
    """The handler: keeps every accepted message; refuses the addresses in `refuse` at RCPT."""

    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content,
                                      bool(session.authenticated), _encrypted(server, session)))
        return "250 Message accepted for delivery"


def _encrypted(server: Any, session: Any) -> bool:
    """STARTTLS marks the session; implicit TLS shows only on the transport."""
    return session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None


@dataclass
class Server:
    host: str
    port: int
    security: str
    collector: Collector
    cafile: Path | None = None

    @property
    def received(self) -> list[Received]:
        return self.collector.received

    def refuse(self, *addresses: str) -> None:
        self.collector.refuse.update(addresses)

    def yaml(self, **extra: str) -> str:
        """The `email:` block of a gongkai.yaml that points at this server."""
        lines = ["email:", "  from: 花园口镇民政办 <gongkai@huayuankou.example>", "  to: [minzhengban@huayuankou.example]",
                 f"  smtp: {{host: {self.host}, port: {self.port}, security: {self.security}, timeout: 5}}"]
        lines += [f"  {k}: {v}" for k, v in extra.items()]
        return "\n".join(lines) + "\n"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() \
        and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


# ---------------------------------------------------------------- certificates


@dataclass
class Certs:
    ca: Path  # what the client trusts (GONGKAI_SMTP_CAFILE)
    cert: Path  # the server's chain
    key: Path

    def server_context(self) -> Any:
        import ssl

        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(self.cert, self.key)
        return ctx


def _make_certs(folder: Path) -> Certs:
    """A CA and a server certificate for 127.0.0.1 / localhost, with the `cryptography` package or the openssl CLI."""
    try:
        return _certs_cryptography(folder)
    except ImportError:
        pass
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("TLS tests need the cryptography package or the openssl command to make a test certificate")
    ca_key, ca, key, csr, cert = (folder / n for n in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem"))
    ext = folder / "ext.cnf"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                   "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    run = lambda *a: subprocess.run(a, check=True, capture_output=True)  # noqa: E731
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca),
        "-days", "2", "-subj", "/CN=gongkai test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr), "-subj", "/CN=127.0.0.1")
    run("openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial",
        "-out", str(cert), "-days", "2", "-extfile", str(ext))
    return Certs(ca, cert, key)


def _certs_cryptography(folder: Path) -> Certs:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gongkai test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
               .not_valid_after(now + dt.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(ca_ski, critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    paths = Certs(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    paths.ca.write_bytes(ca_cert.public_bytes(pem))
    paths.cert.write_bytes(cert.public_bytes(pem))
    paths.key.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return _make_certs(tmp_path_factory.mktemp("certs"))


# ---------------------------------------------------------------- servers


def _serve(security: str, certs: Certs | None = None, auth: bool = False, **smtp_kw: Any) -> Iterator[Server]:
    collector = Collector()
    port = free_port()
    kw: dict[str, Any] = dict(smtp_kw)
    if auth:
        kw.update(authenticator=_authenticator)
    if security == "starttls":
        assert certs is not None
        kw.update(tls_context=certs.server_context(), require_starttls=True, auth_require_tls=True)
    elif security == "ssl":
        assert certs is not None
        kw.update(ssl_context=certs.server_context(), auth_require_tls=False)
    elif auth:
        kw.update(auth_require_tls=False)  # AUTH over plain text: only for the test on 127.0.0.1
    controller = Controller(collector, hostname="127.0.0.1", port=port, ready_timeout=5, server_hostname="smtp.test", **kw)
    controller.start()
    try:
        yield Server("127.0.0.1", port, security, collector, certs.ca if certs else None)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    """Plain SMTP, no login: the town's own relay on localhost:25."""
    yield from _serve("none")


@pytest.fixture
def smtp_auth_plain() -> Iterator[Server]:
    """Plain SMTP that offers AUTH without TLS (127.0.0.1 only)."""
    yield from _serve("none", auth=True)


@pytest.fixture
def smtp_auth_required() -> Iterator[Server]:
    """Plain SMTP that refuses MAIL before AUTH (530)."""
    yield from _serve("none", auth=True, auth_required=True)


@pytest.fixture
def smtp_starttls(certs: Certs, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """STARTTLS required before AUTH and MAIL; the client trusts the test CA through GONGKAI_SMTP_CAFILE."""
    monkeypatch.setenv("GONGKAI_SMTP_CAFILE", str(certs.ca))
    yield from _serve("starttls", certs, auth=True)


@pytest.fixture
def smtp_ssl(certs: Certs, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """Implicit TLS (port 465 style) with AUTH."""
    monkeypatch.setenv("GONGKAI_SMTP_CAFILE", str(certs.ca))
    yield from _serve("ssl", certs, auth=True)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts the connection and never says a word: the client must time out."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(5)
    try:
        yield s.getsockname()[1]
    finally:
        s.close()


@pytest.fixture
def closed_port() -> int:
    """A port nobody listens on: connection refused."""
    return free_port()
