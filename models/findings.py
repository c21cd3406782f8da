"""What the case learns about an application beyond its form: the records the provider
takes from state information systems through the e-government gateway (standard row 8,
closing sentence), and the findings that the commission weighs before it decides.

A finding never stops a submission: it opens the case with a note for the members and
the chairman (issue 11). Texts are ready in the three languages so that a case keeps
them as they were said, whatever the catalogue says later."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.text import Line

MAX_RECORDS = 20
"""Records of one kind a gateway answer may carry: a person has a handful of children
or marriages, and the bound keeps a case's history small whatever the gateway sends."""


class RecordKind(StrEnum):
    """The records the standard names (row 8): identity document, child's birth,
    spouse's death, marriage."""

    identity = "identity"
    child_birth = "child_birth"
    spouse_death = "spouse_death"
    marriage = "marriage"


class _Record(BaseModel):
    # Strict: a gateway that sends "1999-03-10" for a date is fine (JSON has no dates),
    # but one that sends a number for a date, or fields nobody agreed on, is refused.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class IdentityRecord(_Record):
    iin: str = Field(pattern=r"^[0-9]{12}$")
    surname: Line(100)  # type: ignore[valid-type]
    name: Line(100)  # type: ignore[valid-type]
    patronymic: Line(100) | None = None  # type: ignore[valid-type]
    birth_date: date
    sex: Literal["male", "female"]


class ChildBirthRecord(_Record):
    """A birth record naming the applicant as the child's parent."""

    birth_date: date


class MarriageRecord(_Record):
    registered_on: date
    dissolved_on: date | None = None


class SpouseDeathRecord(_Record):
    died_on: date


class GatewayAnswer(_Record):
    """The gateway's answer as it comes over the wire; `identity` is null when the IIN
    is unknown to the state systems."""

    iin: str = Field(pattern=r"^[0-9]{12}$")
    identity: IdentityRecord | None
    child_births: list[ChildBirthRecord] = Field(default_factory=list, max_length=MAX_RECORDS)
    marriages: list[MarriageRecord] = Field(default_factory=list, max_length=MAX_RECORDS)
    spouse_deaths: list[SpouseDeathRecord] = Field(default_factory=list, max_length=MAX_RECORDS)


class StateRecords(BaseModel):
    """What the case knows from the state systems. `asked` is False when no gateway is
    configured: then nothing was checked, which is not the same as nothing found."""

    asked: bool
    kinds: list[RecordKind] = Field(default_factory=list, description="The kinds asked for")
    identity: IdentityRecord | None = None
    child_births: list[ChildBirthRecord] = Field(default_factory=list)
    marriages: list[MarriageRecord] = Field(default_factory=list)
    spouse_deaths: list[SpouseDeathRecord] = Field(default_factory=list)

    @classmethod
    def not_asked(cls) -> StateRecords:
        return cls(asked=False)


class Finding(BaseModel):
    """One thing the commission should weigh, with a stable code (e.g. `age.deferral`,
    `records.birth_date`), the values it was said with, and its words in each language."""

    model_config = ConfigDict(frozen=True)

    code: str
    params: dict[str, str | int] = Field(default_factory=dict)
    kk: str
    ru: str
    en: str

    def message(self, lang: str) -> str:
        return getattr(self, lang)
