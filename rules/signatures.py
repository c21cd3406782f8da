"""Is this action signed by the person who takes it? (issue 9)

`verify_action` is a pure function of its arguments: no clock, no network, no files.
The workflow calls it with what its history holds (the command, the roster's
certificate binding, the trust anchors captured at registration, the nonces already
used), so replaying a case gives the same answer years later, after the certificates
have expired. It never raises on what a caller sends: every defect is a refusal with a
stable code and its text in Kazakh, Russian and English.

The binding of a caseworker to a certificate is the certificate's SHA-256 fingerprint
(of its DER), not its subject name: a name is personal data and not unique, the national
CA puts the IIN beside it, and a fingerprint names exactly one certificate, so a
re-issued certificate takes a deliberate change of the roster to be accepted.

Only certificates issued directly by a trusted CA are accepted: for the national CA that
means trusting its issuing (intermediate) certificate, whose own chain to the root is
checked once, outside the workflow, when the trust anchors are captured.

In Temporal's sandbox the worker must pass `cryptography` through
(`SandboxRestrictions.default.with_passthrough_modules("cryptography")`): its compiled
core can be loaded once per process and imports `cryptography.x509` lazily while it
reads a certificate, so passing through only this module is not enough; the workflow
task would fail with a SystemError. tests/test_signatures.py runs the check that way."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from models.signature import SignatureBlock, TrustAnchors, canonical_bytes
from models.text import shown
from rules.refusal import Refusal, register

MIN_RSA_BITS = 2048

# code -> (kk, ru, en); {placeholders} are filled from the refusal's params.
SIGNATURE_MESSAGES: dict[str, tuple[str, str, str]] = {
    "signature.missing": (
        "{actor}: әрекетке электрондық цифрлық қолтаңба қойылмаған",
        "{actor}: действие не подписано электронной цифровой подписью",
        "{actor}: the action carries no signature",
    ),
    "signature.other_case": (
        "{actor}: қолтаңба басқа өтінішке ({signed_case}) қойылған",
        "{actor}: подпись поставлена под другим заявлением ({signed_case})",
        "{actor}: the signature was made for another case ({signed_case})",
    ),
    "signature.other_action": (
        "{actor}: қолтаңба басқа әрекетке («{signed_action}») қойылған",
        "{actor}: подпись поставлена под другим действием («{signed_action}»)",
        "{actor}: the signature was made for another action ('{signed_action}')",
    ),
    "signature.certificate_invalid": (
        "{actor}: қолтаңбаның сертификаты оқылмайды немесе қолтаңбаға жарамайды",
        "{actor}: сертификат подписи не читается или не предназначен для подписи",
        "{actor}: the signing certificate cannot be read or is not fit for signing",
    ),
    "signature.unsupported_key": (
        "{actor}: бұл кілт түрі қолданылмайды; RSA (2048 бит не одан көп) немесе "
        "EC P-256 кілтімен қол қойыңыз (ГОСТ кілттері әзірге қабылданбайды)",
        "{actor}: этот тип ключа не поддерживается; подпишите ключом RSA (от 2048 бит) "
        "или EC P-256 (ключи ГОСТ пока не принимаются)",
        "{actor}: this kind of key is not supported; sign with an RSA (2048 bits or more) "
        "or EC P-256 key (GOST keys are not accepted yet)",
    ),
    "signature.untrusted": (
        "{actor}: сертификатты сенімді куәландырушы орталық бермеген",
        "{actor}: сертификат выдан не доверенным удостоверяющим центром",
        "{actor}: the certificate was not issued by a trusted certification authority",
    ),
    "signature.expired": (
        "{actor}: қол қойылған сәтте ({signed_at}) сертификаттың мерзімі өтіп кеткен ({not_after})",
        "{actor}: на момент подписания ({signed_at}) срок действия сертификата истёк ({not_after})",
        "{actor}: the certificate had expired ({not_after}) when the action was signed "
        "({signed_at})",
    ),
    "signature.not_yet_valid": (
        "{actor}: қол қойылған сәтте ({signed_at}) сертификат әлі күшіне енбеген ({not_before})",
        "{actor}: на момент подписания ({signed_at}) сертификат ещё не действовал ({not_before})",
        "{actor}: the certificate was not yet valid ({not_before}) when the action was "
        "signed ({signed_at})",
    ),
    "signature.revoked": (
        "{actor}: сертификат кері қайтарылған",
        "{actor}: сертификат отозван",
        "{actor}: the certificate has been revoked",
    ),
    "signature.not_enrolled": (
        "{actor}: комиссия құрамында сіздің қолтаңба сертификатыңыз тіркелмеген",
        "{actor}: в составе комиссии не зарегистрирован ваш сертификат подписи",
        "{actor}: no signing certificate is registered for you in the commission's roster",
    ),
    "signature.wrong_person": (
        "{actor}: қолтаңба сізге тіркелген сертификатпен қойылмаған",
        "{actor}: подпись сделана не тем сертификатом, который зарегистрирован за вами",
        "{actor}: the signature was not made with the certificate registered to you",
    ),
    "signature.invalid": (
        "{actor}: қолтаңба жіберілген деректерге сәйкес келмейді",
        "{actor}: подпись не соответствует отправленным данным",
        "{actor}: the signature does not match the data sent",
    ),
    "signature.from_future": (
        "{actor}: қол қойылған уақыт ({signed_at}) істің уақытынан ({now}) кейін; "
        "компьютеріңіздің сағатын тексеріңіз",
        "{actor}: время подписи ({signed_at}) позже времени дела ({now}); "
        "проверьте часы вашего компьютера",
        "{actor}: the signing time ({signed_at}) is later than the case's time ({now}); "
        "check your computer's clock",
    ),
    "signature.replayed": (
        "{actor}: бұл қолтаңба осы өтініш бойынша бұрын қолданылған",
        "{actor}: эта подпись уже использовалась по этому заявлению",
        "{actor}: this signature has already been used on this case",
    ),
    "signature.before_reopening": (
        "{actor}: қолтаңба ({signed_at}) іс шағым бойынша қайта ашылғанға ({reopened_at}) "
        "дейін қойылған; әрекетті қазір қайта қол қойып жіберіңіз",
        "{actor}: подпись ({signed_at}) сделана до того, как дело открыто вновь по жалобе "
        "({reopened_at}); подпишите и отправьте действие заново",
        "{actor}: the action was signed ({signed_at}) before the case was reopened on a "
        "complaint ({reopened_at}); sign and send it again",
    ),
}


register(SIGNATURE_MESSAGES)
SignatureRefusal = Refusal
"""The same Refusal as every other check's, worded from the same catalogue."""


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER, lowercase hex: what the roster binds a person to."""
    return cert.fingerprint(hashes.SHA256()).hex()


def normalize_fingerprint(text: str) -> str:
    """`AB:CD:...` as printed by `openssl x509 -fingerprint -sha256` -> `abcd...`."""
    return text.replace(":", "").strip().lower()


def _moment(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _issuer_in(
    cert: x509.Certificate, trust: TrustAnchors, at: datetime
) -> x509.Certificate | None:
    """The trusted CA whose signature over `cert` verifies, and that was a valid CA at
    `at`; None when there is none."""
    for pem in trust.ca_certificates_pem:
        try:
            ca = x509.load_pem_x509_certificate(pem.encode("ascii"))
            if ca.subject != cert.issuer:
                continue
            if not _is_ca(ca) or not ca.not_valid_before_utc <= at <= ca.not_valid_after_utc:
                continue
            cert.verify_directly_issued_by(ca)
        except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
            continue
        return ca
    return None


def _is_ca(ca: x509.Certificate) -> bool:
    try:
        if not ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return False
    except x509.ExtensionNotFound:
        return False
    try:
        return ca.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    except x509.ExtensionNotFound:
        return True  # RFC 5280 lets a CA leave KeyUsage out


def _fit_for_signing(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return usage.digital_signature or usage.content_commitment


def _supported(key: Any) -> bool:
    if isinstance(key, rsa.RSAPublicKey):
        return key.key_size >= MIN_RSA_BITS
    return isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1)


def _key_fits(key: Any, algorithm: str) -> bool:
    """The block's algorithm names the certificate's kind of key."""
    return isinstance(key, ec.EllipticCurvePublicKey) == (algorithm == "ecdsa-p256-sha256")


def _signature_verifies(key: Any, algorithm: str, value: bytes, data: bytes) -> bool:
    try:
        if algorithm == "ecdsa-p256-sha256":
            key.verify(value, data, ec.ECDSA(hashes.SHA256()))
        elif algorithm == "rsa-pkcs1v15-sha256":
            key.verify(value, data, padding.PKCS1v15(), hashes.SHA256())
        else:  # rsa-pss-sha256; AUTO accepts any salt length the signer chose
            key.verify(
                value,
                data,
                padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO),
                hashes.SHA256(),
            )
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _bound_to(binding: Mapping[str, str | Collection[str]], actor: str) -> set[str] | None:
    bound = binding.get(actor)
    if bound is None:
        return None
    return {normalize_fingerprint(f) for f in ([bound] if isinstance(bound, str) else bound)}


def verify_action(
    block: SignatureBlock | None,
    case_id: str,
    action: str,
    fields: dict[str, Any],
    actor: str,
    roster_binding: Mapping[str, str | Collection[str]],
    trust: TrustAnchors,
    seen_nonces: Collection[str],
) -> SignatureRefusal | None:
    """None when `block` is `actor`'s valid signature over exactly this action on this
    case; else the first reason it is not.

    `fields` is the command's fields without its signature (models.signature.
    command_fields); `roster_binding` maps a caseworker id to the fingerprint (or the
    fingerprints, during a certificate's renewal) registered for him; `seen_nonces` are
    the nonces of the signatures this case has already accepted.

    Time is the signer's own claim, `block.signed_at`: the certificate must have been
    valid then. The workflow compares that claim with its own clock. A revoked
    certificate is refused whatever its revocation date: the revocation list was
    captured before the case began, so the certificate was already withdrawn then."""

    def refuse(code: str, **params: str) -> SignatureRefusal:
        return SignatureRefusal(code, {"actor": actor, **params})

    if block is None:
        return refuse("signature.missing")
    # Cheap and precise first: a signature lifted from another case or another action.
    # What the block claims is anyone's text, and the refusal is printed on the screens of
    # caseworkers: repeated printable, as every other outsider's value.
    if block.case_id != case_id:
        return refuse("signature.other_case", signed_case=shown(block.case_id))
    if block.action != action:
        return refuse("signature.other_action", signed_action=shown(block.action))

    cert = _read_certificate(block.certificate_pem)
    if isinstance(cert, str):
        return refuse(cert)
    if distrusted := _trust_refusal(cert, trust, block.signed_at):
        code, params = distrusted
        return refuse(code, **params)
    if unbound := _binding_refusal(cert, roster_binding, actor):
        return refuse(unbound)
    data = canonical_bytes(case_id, action, fields, block.signed_at, block.nonce)
    if not _value_verifies(block, cert.public_key(), data):
        return refuse("signature.invalid")

    # Last, so that "replayed" means: a genuine signature, sent a second time.
    if block.nonce in seen_nonces:
        return refuse("signature.replayed")
    return None


def _read_certificate(pem: str) -> x509.Certificate | str:
    """The signer's certificate, or the refusal code for why it cannot sign actions."""
    try:
        cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
        key = cert.public_key()
        fit = _fit_for_signing(cert)
    except UnsupportedAlgorithm:  # GOST 34.310 keys, for one: OpenSSL cannot read them
        return "signature.unsupported_key"
    except (ValueError, TypeError, UnicodeError):
        return "signature.certificate_invalid"
    if not fit:
        return "signature.certificate_invalid"
    if not _supported(key):
        return "signature.unsupported_key"
    return cert


def _trust_refusal(
    cert: x509.Certificate, trust: TrustAnchors, at: datetime
) -> tuple[str, dict[str, str]] | None:
    """Why `cert` was not a trusted, valid, unrevoked certificate at `at`, if it was not."""
    ca = _issuer_in(cert, trust, at)
    if ca is None:
        return "signature.untrusted", {}
    if at < cert.not_valid_before_utc:
        return "signature.not_yet_valid", {
            "signed_at": _moment(at),
            "not_before": _moment(cert.not_valid_before_utc),
        }
    if at > cert.not_valid_after_utc:
        return "signature.expired", {
            "signed_at": _moment(at),
            "not_after": _moment(cert.not_valid_after_utc),
        }
    issuer_sha256 = fingerprint(ca)
    serial = format(cert.serial_number, "x")
    if any(r.issuer_sha256 == issuer_sha256 and r.serial == serial for r in trust.revoked):
        return "signature.revoked", {}
    return None


def _binding_refusal(
    cert: x509.Certificate, binding: Mapping[str, str | Collection[str]], actor: str
) -> str | None:
    """Why `cert` is not one the roster registered for `actor`, if it is not."""
    bound = _bound_to(binding, actor)
    if not bound:
        return "signature.not_enrolled"
    if fingerprint(cert) not in bound:
        return "signature.wrong_person"
    return None


def _value_verifies(block: SignatureBlock, key: Any, data: bytes) -> bool:
    try:
        value = base64.b64decode(block.value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return _key_fits(key, block.algorithm) and _signature_verifies(
        key, block.algorithm, value, data
    )


def signer(block: SignatureBlock) -> dict[str, str]:
    """Who signed, for the case's journal and its history: the certificate's fingerprint,
    serial and subject, and when and with which nonce (the certificate itself is left out,
    it is in the command)."""
    summary = {"nonce": block.nonce, "signed_at": _moment(block.signed_at)}
    try:
        cert = x509.load_pem_x509_certificate(block.certificate_pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeError):
        return summary
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return {
        **summary,
        "certificate_sha256": fingerprint(cert),
        "serial": format(cert.serial_number, "x"),
        "subject": cert.subject.rfc4514_string()[:200],
        "name": str(names[0].value)[:120] if names else "",
    }
