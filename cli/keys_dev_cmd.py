"""`shaqyru keys init`: development personal keys for the caseworkers of the roster
(issue 9).

Makes, under $SHAQYRU_DATA/dev-keys/ (a 0700 folder):
  ca.pem, ca-key.pem   a development CA whose name says it is not for legal use; its key
                       is encrypted with the development password
  <person id>.p12      a PKCS #12 per person of the roster, 0600, all with one password,
                       DEV_PASSWORD; chairmen get RSA-2048 keys (the national CA's kind),
                       members EC P-256, so that both kinds are exercised every day
  test-expired.p12     esil-m1's certificate that expired a month ago, for tests
  test-revoked.p12     esil-m1's certificate that the CA revoked, for tests
  crl.pem              the CA's revocation list, naming the revoked one
  bindings.json        {person id: SHA-256 fingerprint of his certificate}

Nothing here is a secret worth keeping: the password is printed and documented. Real
keys come from the national certification authority (docs/security.md)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

import settings as config
from documents.identity import BINDINGS_FILE, CA_FILE, CRL_FILE, dev_keys_dir
from documents.sign import SigningKey
from models.roster import Roster
from rules.roster import load_roster
from rules.signatures import fingerprint
from texts import t

DEV_PASSWORD = "shaqyru-dev"
DEV_CA_NAME = "Shaqyru DEVELOPMENT CA - NOT FOR LEGAL USE"
DEV_ORGANIZATION = "Shaqyru development - NOT A LEGAL SIGNATURE"
CA_KEY_FILE = "ca-key.pem"
EXPIRED_FILE = "test-expired.p12"
REVOKED_FILE = "test-revoked.p12"
TEST_PERSON = "esil-m1"


def _text(key: str, lang: str, **params: str) -> str:
    return t(f"devkeys_{key}", lang, **params)


@dataclass(frozen=True)
class DevKeys:
    folder: Path
    bindings: dict[str, str]
    password: str


def _name(common_name: str, uid: str | None = None) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEV_ORGANIZATION),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if uid:
        attrs.append(x509.NameAttribute(NameOID.USER_ID, uid))
    return x509.Name(attrs)


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def new_ca(
    common_name: str = DEV_CA_NAME, now: datetime | None = None
) -> tuple[SigningKey, x509.Certificate]:
    """A self-signed CA, in memory (tests make a second, untrusted one with it)."""
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=400))  # older than any test certificate
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _write_ca(folder: Path, key: SigningKey, cert: x509.Certificate) -> None:
    (folder / CA_FILE).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_private(
        folder / CA_KEY_FILE,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(DEV_PASSWORD.encode()),
        ),
    )


def _write_private(path: Path, data: bytes) -> None:
    # Created 0600 before a byte is written, so the key is never readable by others.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def issue_dev_person(
    ca_key: SigningKey,
    ca_cert: x509.Certificate,
    person_id: str,
    name: str,
    *,
    use_rsa: bool = False,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> tuple[SigningKey, x509.Certificate]:
    """A personal key and its certificate (two years by default), issued by the CA."""
    now = datetime.now(UTC)
    key: SigningKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if use_rsa
        else ec.generate_private_key(ec.SECP256R1())
    )
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name, uid=person_id))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(minutes=5))
        .not_valid_after(not_after or now + timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def write_p12(
    path: Path, key: SigningKey, cert: x509.Certificate, ca: x509.Certificate, password: str
) -> None:
    """A PKCS #12 (0600) of the key, its certificate and the CA, under `password`."""
    data = pkcs12.serialize_key_and_certificates(
        name=path.stem.encode(),
        key=key,
        cert=cert,
        cas=[ca],
        encryption_algorithm=serialization.BestAvailableEncryption(password.encode()),
    )
    _write_private(path, data)


def make_crl(
    ca_key: SigningKey, ca_cert: x509.Certificate, serials: list[int]
) -> x509.CertificateRevocationList:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - timedelta(minutes=5))
        .next_update(now + timedelta(days=365))  # a development list: no one renews it
    )
    for serial in serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(now - timedelta(minutes=5))
            .build()
        )
    return builder.sign(ca_key, hashes.SHA256())


def init_dev_keys(
    data_dir: str | Path, roster: Roster, *, password: str = DEV_PASSWORD, force: bool = False
) -> DevKeys:
    """Make the whole development folder (see the module's docstring). It is built aside
    and renamed into place, so a half-made folder is never seen. Raises FileExistsError
    when it exists and not `force`."""
    target = dev_keys_dir(data_dir)
    if target.exists() and not force:
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".dev-keys-", dir=target.parent))  # 0700
    try:
        ca_key, ca_cert = new_ca()
        _write_ca(scratch, ca_key, ca_cert)
        bindings: dict[str, str] = {}
        names: dict[str, str] = {}
        for district in roster.districts:
            people = [(district.chairman, True), *((m, False) for m in district.members)]
            for person, chairman in people:
                key, cert = issue_dev_person(
                    ca_key, ca_cert, person.id, person.name, use_rsa=chairman
                )
                write_p12(scratch / f"{person.id}.p12", key, cert, ca_cert, password)
                bindings[person.id] = fingerprint(cert)
                names[person.id] = person.name
        now = datetime.now(UTC)
        test_name = names.get(TEST_PERSON, TEST_PERSON)
        key, cert = issue_dev_person(
            ca_key,
            ca_cert,
            TEST_PERSON,
            test_name,
            not_before=now - timedelta(days=365),
            not_after=now - timedelta(days=30),
        )
        write_p12(scratch / EXPIRED_FILE, key, cert, ca_cert, password)
        key, revoked = issue_dev_person(ca_key, ca_cert, TEST_PERSON, test_name)
        write_p12(scratch / REVOKED_FILE, key, revoked, ca_cert, password)
        crl = make_crl(ca_key, ca_cert, [revoked.serial_number])
        (scratch / CRL_FILE).write_bytes(crl.public_bytes(serialization.Encoding.PEM))
        (scratch / BINDINGS_FILE).write_text(json.dumps(bindings, indent=2) + "\n")
        if target.exists():
            shutil.rmtree(target)
        os.rename(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return DevKeys(folder=target, bindings=bindings, password=password)


keys_dev_app = typer.Typer(name="keys", no_args_is_help=True)


@keys_dev_app.command("init")
def init(
    force: Annotated[bool, typer.Option("--force")] = False,
    lang: Annotated[str, typer.Option("--lang", envvar="SHAQYRU_LANG")] = "kk",
) -> None:
    """Make a development CA and a PKCS #12 key for every caseworker of the roster."""
    cfg = config.load()
    try:
        made = init_dev_keys(cfg.data_dir, load_roster(cfg.roster_path), force=force)
    except FileExistsError as exists:
        typer.echo(_text("exists", lang, folder=str(exists)), err=True)
        raise typer.Exit(2) from None
    typer.echo(_text("made", lang, count=str(len(made.bindings)), folder=str(made.folder)))
    typer.echo(_text("password", lang, password=made.password))


def register(app: typer.Typer, name: str = "keys") -> None:
    """`shaqyru keys init` alone; under keys_cmd's group, pass that group and name="dev"."""
    app.add_typer(keys_dev_app, name=name)
