"""What the chairman and the members send to a case (SPEC 4, refusal grounds SPEC 5).

Every field is bounded: these commands come from outside the worker and are kept in the
case's state and history, so none may make either grow without limit. Each carries its
sender's signature (models.signature.Signed), which the case checks before anything else."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field

from models.roster import MAX_MEMBERS
from models.signature import Signed
from models.text import CASEWORKER_ID, Paragraph

MAX_REASONS = 10
REASON_LENGTH = 1000
DETAILS_LENGTH = 1000


class Forward(Signed):
    model_config = ConfigDict(extra="forbid")

    actor: CASEWORKER_ID = Field(description="Caseworker id of the sender")
    members: list[CASEWORKER_ID] | None = Field(
        default=None,
        max_length=MAX_MEMBERS,
        description="Members to review; all of the commission when omitted",
    )


class MemberVerdict(StrEnum):
    agree = "agree"
    refuse = "refuse"


class MemberDecision(Signed):
    model_config = ConfigDict(extra="forbid")

    actor: CASEWORKER_ID
    verdict: MemberVerdict
    refusal_ground: Literal[1, 2] | None = None
    details: Paragraph(DETAILS_LENGTH, blank_ok=True) | None = None  # type: ignore[valid-type]


class ChairmanVerdict(StrEnum):
    grant = "grant"
    refuse = "refuse"


class ChairmanDecision(Signed):
    model_config = ConfigDict(extra="forbid")

    actor: CASEWORKER_ID
    verdict: ChairmanVerdict
    until: date | None = Field(default=None, description="End of a deferral")
    reasons: list[Paragraph(REASON_LENGTH, blank_ok=True)] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=MAX_REASONS, description="Numbered reasons of a refusal"
    )
    refusal_ground: Literal[1, 2] | None = None


class ResultSigning(Signed):
    """The chairman's own CMS signature over the exact bytes of the issued document
    (para. 10: the result is signed by the chairman's EDS)."""

    model_config = ConfigDict(extra="forbid")

    actor: CASEWORKER_ID
    document_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="The PDF he signed")
    cms_base64: str = Field(
        max_length=24 * 1024,
        pattern=r"^[A-Za-z0-9+/]+={0,2}$",
        description="Detached CMS (DER), base64",
    )
