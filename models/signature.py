"""A caseworker's signature over one action, and what a case trusts to check it (issue 9).

The signature block travels inside the command (Forward, MemberDecision,
ChairmanDecision) and so lands in the case's history; the trust anchors are captured into
the history at registration. Both are bounded, so that a hostile command cannot make the
case's state grow without limit."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MAX_CERTIFICATE_PEM = 8 * 1024
"""A personal certificate of the national CA is about 2 KiB of PEM; 8 KiB leaves room."""
MAX_SIGNATURE_B64 = 2048
"""Base64 of an RSA-8192 signature is 1368 characters; ECDSA P-256 is under 100."""
MAX_TRUSTED_CAS = 16
MAX_REVOKED = 10_000
"""Revoked serials a case keeps; about 100 bytes each, well under Temporal's payload limit."""

Algorithm = Literal["ecdsa-p256-sha256", "rsa-pkcs1v15-sha256", "rsa-pss-sha256"]

_HEX64 = r"^[0-9a-f]{64}$"


class SignatureBlock(BaseModel):
    """One caseworker's signature over canonical_bytes(case_id, action, fields, signed_at,
    nonce). `case_id` and `action` repeat what the signature covers so that a command
    sent to the wrong case or as the wrong action is refused with a precise reason; the
    verifier never trusts them, it computes the signed bytes from its own case id and
    action."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    algorithm: Algorithm
    certificate_pem: str = Field(max_length=MAX_CERTIFICATE_PEM)
    case_id: str = Field(max_length=128)
    action: str = Field(max_length=64)
    signed_at: AwareDatetime = Field(description="The signer's clock; the workflow compares")
    nonce: str = Field(pattern=r"^[0-9a-f]{32}$", description="128 random bits, hex")
    value: str = Field(
        max_length=MAX_SIGNATURE_B64, pattern=r"^[A-Za-z0-9+/]+={0,2}$", description="base64"
    )


class Signed(BaseModel):
    """Mixed into each caseworker command. Optional in the model so that a command without
    one reaches the workflow's check and is refused there with `signature.missing`,
    in three languages, rather than failing to decode."""

    signature: SignatureBlock | None = None


class RevokedSerial(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    issuer_sha256: str = Field(pattern=_HEX64, description="Fingerprint of the issuing CA")
    serial: str = Field(pattern=r"^[0-9a-f]{1,42}$", description="Serial number, lowercase hex")
    # A serial is unique only within its CA, hence the pair; hex, because serial numbers
    # are up to 20 bytes and would not survive a JSON reader that turns numbers into doubles.


class TrustAnchors(BaseModel):
    """What a case trusts, captured into its history at registration: the CAs that may
    issue caseworkers' certificates, and the serials those CAs had revoked (read from
    CRLs whose own signatures were checked when they were captured)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ca_certificates_pem: list[str] = Field(
        min_length=1, max_length=MAX_TRUSTED_CAS, description="Issuing CAs, PEM each"
    )
    revoked: list[RevokedSerial] = Field(default_factory=list, max_length=MAX_REVOKED)
    crl_this_update: datetime | None = Field(default=None, description="For the record")
    crl_next_update: datetime | None = None


def canonical_bytes(
    case_id: str, action: str, fields: dict[str, Any], signed_at: datetime, nonce: str
) -> bytes:
    """The exact bytes a caseworker signs: JSON with sorted keys, no spaces, UTF-8 text
    left as is. `fields` is the command's model_dump(mode="json") without `signature`.

    The time is written in UTC with microseconds, so the same instant gives the same
    bytes whatever offset the signer's clock printed it with."""
    if signed_at.tzinfo is None:
        raise ValueError("signed_at must carry its UTC offset")
    document = {
        "action": action,
        "case_id": case_id,
        "fields": fields,
        "nonce": nonce,
        "signed_at": signed_at.astimezone(UTC).isoformat(timespec="microseconds"),
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def command_fields(command: BaseModel) -> dict[str, Any]:
    """The fields of a command that its signature covers: all of them but the signature."""
    return command.model_dump(mode="json", exclude={"signature"})


class CaseTrust(BaseModel):
    """What one case checks its caseworkers' signatures against, captured into its
    history once, at registration: the trust anchors and the certificates enrolled for the
    people of its commission. None of it when the worker was built without trust (a test
    of the process alone); then the case takes unsigned actions and says so."""

    trust: TrustAnchors | None = None
    bindings: dict[str, list[str]] = Field(
        default_factory=dict, description="Caseworker id -> SHA-256 of his certificates"
    )
