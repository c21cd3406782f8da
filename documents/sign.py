"""Detached CMS signatures of documents, and the development signing identity.

Signatures are PKCS #7 / CMS SignedData in DER, detached (the PDF stays a plain file
beside its `.p7s`), over the exact bytes, with the signer's certificate and the signing
time as signed attributes. Verification calls `openssl cms -verify`, the tool any
verifier has at hand, so what this module accepts anyone can check independently.

Real signing keys come from SHAQYRU_SIGNING_KEY / SHAQYRU_SIGNING_CERT (PEM). Without them
a development key and self-signed certificate are made in the data folder; their names
say plainly that they are not valid for legal use. (The national certifying centre issues
GOST 34.310 keys, which `cryptography` cannot sign with; such keys need an HSM or NCALayer
adapter behind the same `sign_pdf` signature.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

import settings as settings_module
from documents.store import private_dir

DEV_COMMON_NAME = "Shaqyru DEVELOPMENT signing key - not valid for legal use"
DEV_ORGANIZATION = "Shaqyru development - NOT A LEGAL SIGNATURE"
DEV_UNIT = "Development and testing only"
DEV_FOLDER = "dev-signing"
KEY_FILE = "key.pem"
CERT_FILE = "cert.pem"

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class SignatureError(Exception):
    """The signature does not verify."""


class MalformedSignature(SignatureError):
    """The signature file is not a CMS structure at all."""


@dataclass(frozen=True)
class Verified:
    signer: str
    """The signer certificate's subject, RFC 4514."""
    signed_at: datetime | None
    """The signingTime attribute, UTC; None if the signer left it out."""
    trusted: bool
    """Whether the signer's chain was checked against a certificate (False: `-noverify`)."""
    signer_sha256: str = ""
    """SHA-256 of the signer certificate's DER: who signed, to compare with an enrolment."""


# --- keys and certificates ------------------------------------------------------------


def load_identity(
    key_path: str | Path, cert_path: str | Path, password: bytes | None = None
) -> tuple[SigningKey, x509.Certificate]:
    """The provider's key and certificate.

    The key is a PEM private key, plain or encrypted (PKCS #8 or traditional), or a
    PKCS #12 file holding key and certificate; then `cert_path` may name the same file,
    and when it names another, that file's certificate must be the one in the PKCS #12
    (it is what `shaqyru verify` checks against). The password of an encrypted key is
    `password`, else SHAQYRU_SIGNING_KEY_PASSWORD_FILE or SHAQYRU_SIGNING_KEY_PASSWORD:
    the worker runs without a terminal to ask at. Errors never carry the password."""
    # Imported here: documents.identity imports this module for sign_pdf.
    from cryptography.hazmat.primitives.serialization import pkcs12

    from documents.identity import ENV_SIGNING_PASSWORD, ENV_SIGNING_PASSWORD_FILE, read_password

    def secret() -> bytes | None:
        if password is not None:
            return password
        return read_password(ENV_SIGNING_PASSWORD, ENV_SIGNING_PASSWORD_FILE, prompt=None)

    raw = Path(key_path).read_bytes()
    if raw.lstrip().startswith(b"-----BEGIN"):
        # PKCS #8 says so in its label, the traditional format in a header line.
        encrypted = b"BEGIN ENCRYPTED PRIVATE KEY" in raw or b"Proc-Type: 4,ENCRYPTED" in raw
        given = secret() if encrypted else None
        if encrypted and given is None:
            raise ValueError(
                f"{key_path} is encrypted: "
                f"set {ENV_SIGNING_PASSWORD_FILE} or {ENV_SIGNING_PASSWORD}"
            )
        try:
            key = serialization.load_pem_private_key(raw, password=given)
        except ValueError:
            raise ValueError(f"{key_path}: wrong password, or not a private key") from None
        cert = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    else:
        try:
            held, in_file, _ = pkcs12.load_key_and_certificates(raw, secret())
        except ValueError:
            raise ValueError(
                f"{key_path}: wrong or missing password ({ENV_SIGNING_PASSWORD_FILE}, "
                f"{ENV_SIGNING_PASSWORD}), or not a PKCS #12 file"
            ) from None
        if held is None or in_file is None:
            raise ValueError(f"{key_path}: the PKCS #12 file lacks a key or its certificate")
        key, cert = held, in_file
        if Path(cert_path).resolve() != Path(key_path).resolve():
            named = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
            if named != cert:
                raise ValueError(f"{cert_path} is not the certificate in {key_path}")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError(f"{key_path}: CMS signing needs an RSA or EC key")
    if cert.public_key() != key.public_key():
        raise ValueError(f"{cert_path} does not belong to the key {key_path}")
    return key, cert


def _dev_name() -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEV_ORGANIZATION),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEV_UNIT),
            x509.NameAttribute(NameOID.COMMON_NAME, DEV_COMMON_NAME),
        ]
    )


def _make_dev_identity(folder: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    name = _dev_name()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path = folder / KEY_FILE
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    # Public, but everything in the data folder is the service's alone.
    (folder / CERT_FILE).touch(mode=0o600)
    (folder / CERT_FILE).write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def ensure_dev_identity(data_dir: str | Path) -> tuple[Path, Path]:
    """The development key and certificate under `data_dir`, made on first use.

    Key and certificate are made together in a scratch folder that is renamed into place,
    so two workers starting at once cannot end up with one's key and the other's
    certificate."""
    target = Path(data_dir) / DEV_FOLDER
    if not (target / CERT_FILE).is_file():
        private_dir(target.parent)
        # mkdtemp makes the folder 0700, and the rename keeps that mode.
        scratch = Path(tempfile.mkdtemp(prefix=".dev-signing-", dir=target.parent))
        try:
            _make_dev_identity(scratch)
            os.rename(scratch, target)
        except OSError:
            if not (target / CERT_FILE).is_file():
                raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return target / KEY_FILE, target / CERT_FILE


def dev_cert_path(data_dir: str | Path) -> Path:
    return Path(data_dir) / DEV_FOLDER / CERT_FILE


def signing_identity(cfg: settings_module.Settings | None = None) -> tuple[Path, Path]:
    """Paths of the key and certificate to sign with: the configured pair, else the
    development pair."""
    cfg = cfg or settings_module.load()
    if cfg.signing_key or cfg.signing_cert:
        if not (cfg.signing_key and cfg.signing_cert):
            raise ValueError("set both SHAQYRU_SIGNING_KEY and SHAQYRU_SIGNING_CERT, or neither")
        return Path(cfg.signing_key), Path(cfg.signing_cert)
    return ensure_dev_identity(cfg.data_dir)


def is_development(cert: x509.Certificate) -> bool:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return any(n.value == DEV_COMMON_NAME for n in names)


# --- signing and verifying ------------------------------------------------------------


def sign_pdf(data: bytes, key: SigningKey, cert: x509.Certificate) -> bytes:
    """A detached CMS signature (DER) over `data`, with signingTime set to now."""
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(data)
        .add_signer(cert, key, hashes.SHA256())
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
    )


def _openssl(*args: str) -> subprocess.CompletedProcess[bytes]:
    exe = shutil.which("openssl")
    if exe is None:
        raise RuntimeError("the openssl command is needed to verify signatures")
    return subprocess.run([exe, *args], capture_output=True, check=False)


_TIME = re.compile(rb"signingTime.*?\n\s*set:\s*\n\s*(UTCTIME|GENERALIZEDTIME):([^\n]+)", re.S)


def _signing_time(printed: bytes) -> datetime | None:
    found = _TIME.search(printed)
    if not found:
        return None
    text = " ".join(found.group(2).decode().split())
    return datetime.strptime(text, "%b %d %H:%M:%S %Y GMT").replace(tzinfo=UTC)


def verify(
    data: bytes, signature: bytes, cert: str | Path | None = None, *, with_time: bool = True
) -> Verified:
    """Check a detached CMS `signature` over `data` with `openssl cms -verify`.

    With `cert`, the signer's chain must lead to it (a CA, or the signer's own certificate
    when self-signed, like the development one). Without it only the signature itself is
    checked (`-noverify`) and the result says `trusted=False`. Raises `SignatureError`,
    or `ValueError` when `cert` holds no PEM certificate.

    The signing time takes a second openssl run, which prints the structure; a caller
    that needs no time (`with_time=False`, `signed_at` is then None) spares it, unless
    the check fails: the printout is still what tells a malformed signature apart."""
    if cert is not None:
        try:
            x509.load_pem_x509_certificates(Path(cert).read_bytes())
        except ValueError as bad:
            raise ValueError(f"{cert}: not a PEM certificate") from bad
    with tempfile.TemporaryDirectory(prefix="shaqyru-verify-") as tmp:
        content, sig, signer = Path(tmp, "content"), Path(tmp, "sig.der"), Path(tmp, "signer")
        content.write_bytes(data)
        sig.write_bytes(signature)

        def structure() -> subprocess.CompletedProcess[bytes]:
            printed = _openssl("cms", "-cmsout", "-print", "-inform", "DER", "-in", str(sig))
            if printed.returncode != 0:
                raise MalformedSignature("not a DER CMS signature: " + _first_line(printed.stderr))
            return printed

        printed = structure() if with_time else None
        chain = ["-CAfile", str(cert), "-purpose", "any"] if cert else ["-noverify"]
        done = _openssl(
            "cms", "-verify", "-binary", "-inform", "DER", "-in", str(sig),
            "-content", str(content), *chain, "-signer", str(signer), "-out", os.devnull,
        )  # fmt: skip
        if done.returncode != 0:
            if printed is None:
                structure()
            raise SignatureError(_first_line(done.stderr) or "signature does not verify")
        signer_cert = x509.load_pem_x509_certificates(signer.read_bytes())[0]
    return Verified(
        signer=signer_cert.subject.rfc4514_string(),
        signed_at=_signing_time(printed.stdout) if printed else None,
        trusted=cert is not None,
        signer_sha256=signer_cert.fingerprint(hashes.SHA256()).hex(),
    )


def _first_line(stderr: bytes) -> str:
    """openssl's reasons without the error-queue noise: for lines shaped
    `pid:error:code:library:function:reason:file:line:detail` keep reason and detail."""
    reasons: list[str] = []
    for raw in stderr.decode(errors="replace").splitlines():
        parts = raw.strip().split(":")
        if len(parts) >= 8 and parts[1] == "error":
            picked = [parts[5], ":".join(parts[8:]).strip()]
        else:
            picked = [raw.strip()]
        reasons.extend(p for p in picked if p and p not in reasons)
    return "; ".join(reasons)
