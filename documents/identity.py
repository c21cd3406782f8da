"""A caseworker's personal key: loading it, signing an action, signing a document (issue 9);
and reading what the deployment trusts (CAs, revocation lists, the roster's binding).

A personal key is a password-protected PKCS #12 file with the certificate a trusted CA
issued for it, the form in which the national certification authority hands keys out.
The password comes from SHAQYRU_KEY_PASSWORD_FILE, else SHAQYRU_KEY_PASSWORD, else a
prompt when there is a terminal; it is never logged nor put into an error message.

Everything here does I/O (files, the clock, randomness) and so runs outside workflows:
on the caseworker's machine for signing, in an activity for capturing the trust anchors.
The check itself is rules.signatures.verify_action."""

from __future__ import annotations

import base64
import getpass
import json
import os
import secrets
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from pydantic import BaseModel

import settings as settings_module
from documents.sign import SigningKey, sign_pdf
from models.signature import (
    RevokedSerial,
    SignatureBlock,
    TrustAnchors,
    canonical_bytes,
    command_fields,
)
from rules.signatures import fingerprint, normalize_fingerprint

ENV_KEY_PASSWORD = "SHAQYRU_KEY_PASSWORD"
ENV_KEY_PASSWORD_FILE = "SHAQYRU_KEY_PASSWORD_FILE"
ENV_SIGNING_PASSWORD = "SHAQYRU_SIGNING_KEY_PASSWORD"
ENV_SIGNING_PASSWORD_FILE = "SHAQYRU_SIGNING_KEY_PASSWORD_FILE"

DEV_KEYS = "dev-keys"
CA_FILE = "ca.pem"
CRL_FILE = "crl.pem"
BINDINGS_FILE = "bindings.json"


class IdentityError(Exception):
    """A personal key cannot be used: no password, a wrong one, an unfit key."""


@dataclass(frozen=True)
class PersonalKey:
    key: SigningKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()
    """The other certificates of the PKCS #12 (the issuing CA, usually)."""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)


# --- passwords ----------------------------------------------------------------------


def read_password(env: str, file_env: str, prompt: str | None) -> bytes | None:
    """A password from the file named by `file_env` (one trailing newline dropped), else
    from `env`, else typed at a terminal when `prompt` is given; None when none of these.

    A file is first because an environment variable is visible to every process of the
    same user through /proc and ends up in crash reports."""
    if path := os.environ.get(file_env):
        data = Path(path).read_bytes()
        return data[:-2] if data.endswith(b"\r\n") else data.removesuffix(b"\n")
    if env in os.environ:
        return os.environ[env].encode("utf-8")
    if prompt is not None and sys.stdin.isatty():
        return getpass.getpass(prompt).encode("utf-8")
    return None


# --- personal keys ------------------------------------------------------------------


def load_personal_key(path: str | Path, password: bytes | None = None) -> PersonalKey:
    """The key and certificate in a PKCS #12 file; `password`, else from the environment
    or the terminal (see read_password)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as missing:
        raise IdentityError(f"{path}: cannot read the key file ({missing.strerror})") from None
    if password is None:
        password = read_password(
            ENV_KEY_PASSWORD, ENV_KEY_PASSWORD_FILE, prompt=f"Password of {path.name}: "
        )
    if password is None:
        raise IdentityError(
            f"{path} needs its password: set {ENV_KEY_PASSWORD_FILE} or {ENV_KEY_PASSWORD}, "
            "or run in a terminal to be asked"
        )
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(raw, password)
    except ValueError:
        raise IdentityError(f"{path}: wrong password, or not a PKCS #12 file") from None
    if key is None or cert is None:
        raise IdentityError(f"{path}: the file lacks a private key or its certificate")
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < 2048:
            raise IdentityError(f"{path}: an RSA key needs at least 2048 bits")
    elif not (isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1)):
        raise IdentityError(f"{path}: only RSA and EC P-256 keys can sign (GOST cannot yet)")
    if cert.public_key() != key.public_key():
        raise IdentityError(f"{path}: the certificate does not belong to the key")
    return PersonalKey(key, cert, tuple(chain))


def sign_action(
    identity: PersonalKey,
    case_id: str,
    action: str,
    fields: dict[str, Any],
    *,
    signed_at: datetime | None = None,
    nonce: str | None = None,
    rsa_pss: bool = False,
) -> SignatureBlock:
    """The signature block over exactly this action; `fields` is what command_fields
    gives for the command. RSA keys sign PKCS #1 v1.5 unless `rsa_pss` (v1.5 is what the
    national CA's own tools make)."""
    signed_at = (signed_at or datetime.now(UTC)).astimezone(UTC)
    nonce = nonce or secrets.token_hex(16)
    data = canonical_bytes(case_id, action, fields, signed_at, nonce)
    key = identity.key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        algorithm, value = "ecdsa-p256-sha256", key.sign(data, ec.ECDSA(hashes.SHA256()))
    elif rsa_pss:
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
        algorithm, value = "rsa-pss-sha256", key.sign(data, pss, hashes.SHA256())
    else:
        algorithm, value = (
            "rsa-pkcs1v15-sha256",
            key.sign(data, padding.PKCS1v15(), hashes.SHA256()),
        )
    return SignatureBlock(
        algorithm=algorithm,
        certificate_pem=identity.certificate.public_bytes(Encoding.PEM).decode("ascii"),
        case_id=case_id,
        action=action,
        signed_at=signed_at,
        nonce=nonce,
        value=base64.b64encode(value).decode("ascii"),
    )


C = TypeVar("C", bound=BaseModel)


def sign_command(identity: PersonalKey, case_id: str, action: str, command: C) -> C:
    """`command` with its `signature` set: what the CLI sends as the update's argument.
    `action` is the update's name (forward, member_decision, chairman_decision)."""
    block = sign_action(identity, case_id, action, command_fields(command))
    return command.model_copy(update={"signature": block})


def sign_document(data: bytes, identity: PersonalKey) -> bytes:
    """A detached CMS signature (DER) of a caseworker over a document's exact bytes, such
    as the chairman's over the conclusion PDF; `openssl cms -verify -binary -inform DER
    -purpose any -CAfile <the CA>` accepts it."""
    return sign_pdf(data, identity.key, identity.certificate)


# --- what the deployment trusts ------------------------------------------------------


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _load_crl(path: Path) -> x509.CertificateRevocationList:
    raw = path.read_bytes()
    if raw.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_crl(raw)
    return x509.load_der_x509_crl(raw)


def _has_signed(ca: x509.Certificate, crl: x509.CertificateRevocationList) -> bool:
    key = ca.public_key()
    # A key-agreement key (X25519, X448) can sign nothing, a revocation list included.
    signs = (dsa.DSAPublicKey, rsa.RSAPublicKey, ec.EllipticCurvePublicKey,
             ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)  # fmt: skip
    return isinstance(key, signs) and crl.is_signature_valid(key)


def load_trust(
    ca_files: Iterable[str | Path],
    crl_files: Iterable[str | Path] = (),
    *,
    now: datetime | None = None,
) -> TrustAnchors:
    """The trust anchors to capture into a case: every certificate of the PEM `ca_files`
    (each must be a CA), and the serials revoked by the PEM or DER `crl_files`, each of
    which must be signed by one of those CAs and not past its next update at `now`
    (a stale list could hide a revocation, so it is refused, not used)."""
    now = now or datetime.now(UTC)
    cas: list[x509.Certificate] = []
    for file in ca_files:
        for cert in x509.load_pem_x509_certificates(Path(file).read_bytes()):
            if not _is_ca(cert):
                raise ValueError(f"{file}: {cert.subject.rfc4514_string()} is not a CA")
            cas.append(cert)
    if not cas:
        raise ValueError("no trusted CA certificate given")
    revoked: list[RevokedSerial] = []
    this_update: datetime | None = None
    next_update: datetime | None = None
    for file in crl_files:
        crl = _load_crl(Path(file))
        issuer = next(
            (ca for ca in cas if ca.subject == crl.issuer and _has_signed(ca, crl)),
            None,
        )
        if issuer is None:
            raise ValueError(f"{file}: the revocation list is not signed by a trusted CA")
        if crl.next_update_utc is not None and crl.next_update_utc < now:
            raise ValueError(f"{file}: the revocation list is stale since {crl.next_update_utc}")
        issuer_sha256 = fingerprint(issuer)
        revoked += [
            RevokedSerial(issuer_sha256=issuer_sha256, serial=format(r.serial_number, "x"))
            for r in crl
        ]
        this_update = max(filter(None, (this_update, crl.last_update_utc)), default=None)
        if crl.next_update_utc is not None:
            next_update = min(filter(None, (next_update, crl.next_update_utc)))
    return TrustAnchors(
        ca_certificates_pem=[c.public_bytes(Encoding.PEM).decode("ascii") for c in cas],
        revoked=revoked,
        crl_this_update=this_update,
        crl_next_update=next_update,
    )


def load_bindings(path: str | Path) -> dict[str, str]:
    """{caseworker id: certificate SHA-256 fingerprint} from a JSON file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected an object of caseworker id -> fingerprint")
    bindings = {str(k): normalize_fingerprint(str(v)) for k, v in data.items()}
    for person, fp in bindings.items():
        if len(fp) != 64 or any(c not in "0123456789abcdef" for c in fp):
            raise ValueError(f"{path}: {person}: not a SHA-256 fingerprint")
    return bindings


# --- where things are, from the settings ---------------------------------------------


def dev_keys_dir(data_dir: str | Path) -> Path:
    return Path(data_dir) / DEV_KEYS


def personal_key_path(actor: str, cfg: settings_module.Settings | None = None) -> Path:
    """SHAQYRU_KEY, else the development key of `actor`."""
    cfg = cfg or settings_module.load()
    return (
        Path(cfg.personal_key) if cfg.personal_key else dev_keys_dir(cfg.data_dir) / f"{actor}.p12"
    )


def trust_from_settings(
    cfg: settings_module.Settings | None = None, now: datetime | None = None
) -> TrustAnchors:
    """SHAQYRU_TRUSTED_CA and SHAQYRU_CRL (several files joined by os.pathsep), else the
    development CA and its revocation list."""
    cfg = cfg or settings_module.load()
    dev = dev_keys_dir(cfg.data_dir)
    ca = [cfg.trusted_ca] if cfg.trusted_ca else [dev / CA_FILE]
    if cfg.crl:
        crls: list[str | Path] = [p for p in cfg.crl.split(os.pathsep) if p]
    else:
        crls = [dev / CRL_FILE] if (dev / CRL_FILE).is_file() and not cfg.trusted_ca else []
    return load_trust(ca, crls, now=now)


def bindings_from_settings(cfg: settings_module.Settings | None = None) -> dict[str, str]:
    """SHAQYRU_KEY_BINDINGS, else the development bindings."""
    cfg = cfg or settings_module.load()
    path = cfg.key_bindings or dev_keys_dir(cfg.data_dir) / BINDINGS_FILE
    return load_bindings(path)
