"""What the chairman and the members send to a case (SPEC 4, refusal grounds SPEC 5)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Forward(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: str = Field(description="Caseworker id of the sender")
    members: list[str] | None = Field(
        default=None, description="Members to review; all of the commission when omitted"
    )


class MemberVerdict(StrEnum):
    agree = "agree"
    refuse = "refuse"


class MemberDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: str
    verdict: MemberVerdict
    refusal_ground: Literal[1, 2] | None = None
    details: str | None = None


class ChairmanVerdict(StrEnum):
    grant = "grant"
    refuse = "refuse"


class ChairmanDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: str
    verdict: ChairmanVerdict
    until: date | None = Field(default=None, description="End of a deferral")
    reasons: list[str] = Field(default_factory=list, description="Numbered reasons of a refusal")
    refusal_ground: Literal[1, 2] | None = None
