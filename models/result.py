"""The service's answer: a conclusion or a refusal notice (SPEC 7; Annexes 3 and 4)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from models.application import Service


class ResultKind(StrEnum):
    conclusion = "conclusion"
    refusal = "refusal"


class Result(BaseModel):
    kind: ResultKind
    service: Service
    ground: int
    application_id: str
    registration_number: str
    district: str
    commission: str = Field(description="Name of the conscription commission")
    applicant_name: str
    applicant_address: str
    reason: str = Field(description="Why: the ground's name and the applicant's own words")
    until: date | None = Field(default=None, description="End of a granted deferral")
    refusal_ground: int | None = None
    refusal_reasons: list[str] = Field(default_factory=list)
    chairman_id: str
    chairman_name: str
    issued_at: datetime
    issued_on: date = Field(description="Local (Asia/Almaty) date of issue, printed on the form")
