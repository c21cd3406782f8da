"""The application as the e-government portal sends it (SPEC 2, 6, 7; Annex 1)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MAX_DOCUMENTS = 50
"""Attachments an application may list. The regulation asks for at most a handful per
ground; the bound keeps a case's input far below Temporal's payload limit. Enforced by
`rules.check` (code `documents.too_many`), not by this model: the model also decodes
the input of cases already open, and a stricter decoder would jam them on replay."""


class Service(StrEnum):
    deferral = "deferral"
    exemption = "exemption"


class SignedWith(StrEnum):
    eds = "eds"
    otp = "otp"


class Applicant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    iin: str = Field(description="Individual identification number, 12 digits")
    surname: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=100)
    patronymic: str | None = Field(default=None, max_length=100)
    address: str = Field(min_length=1, max_length=500)
    phone: str = Field(pattern=r"^\+7\d{10}$", description="Mobile number registered on the portal")
    district: str = Field(
        min_length=1,
        max_length=64,
        description="Roster code of the district of residence and military registration",
    )

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.name, self.patronymic) if p)


class AttachedDocument(BaseModel):
    """An electronic copy the applicant attached; the bytes stay with the portal."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1, description="Document kind code, see `shaqyru rules`")
    file_name: str = Field(min_length=1, max_length=255)
    media_type: str = Field(pattern=r"^[\w.+-]+/[\w.+-]+$")
    # Strict: "2048" or 2048.0 is a portal bug to report, not a number to guess at.
    size: int = Field(strict=True, gt=0, le=50 * 1024 * 1024)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    ref: str = Field(min_length=1, max_length=1000, description="Where the portal keeps the bytes")


class Application(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
        description="The portal's own id of the application; opaque",
    )
    service: Service
    ground: int = Field(strict=True, ge=1, description="Number of the ground in the service's list")
    applicant: Applicant
    submitted_at: AwareDatetime
    signed_with: SignedWith
    documents: list[AttachedDocument] = Field(
        default_factory=list, json_schema_extra={"maxItems": MAX_DOCUMENTS}
    )
    reason: str = Field(min_length=1, max_length=4000, description="In the applicant's words")


def application_json_schema() -> dict:
    return Application.model_json_schema()
