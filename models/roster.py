"""Who sits on which district's conscription commission (SPEC 1)."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

MAX_MEMBERS = 31
"""More than any district commission seats; keeps a case's roster snapshot bounded."""


class Person(BaseModel):
    id: str = Field(max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$", description="Caseworker id")
    name: str = Field(max_length=200, description="Full name as printed on documents")


class District(BaseModel):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name_kk: str
    name_ru: str
    commission_kk: str
    commission_ru: str
    military_body_kk: str = Field(description="Local military administration body")
    military_body_ru: str
    chairman: Person
    members: list[Person] = Field(max_length=MAX_MEMBERS)

    @model_validator(mode="after")
    def _odd_commission(self) -> District:
        # An odd number of members keeps a vote from tying.
        if len(self.members) % 2 == 0:
            raise ValueError(f"district {self.code}: the number of members must be odd")
        ids = [self.chairman.id, *(m.id for m in self.members)]
        if len(set(ids)) != len(ids):
            raise ValueError(f"district {self.code}: a caseworker id appears twice")
        return self


class Roster(BaseModel):
    districts: list[District]

    def district(self, code: str) -> District | None:
        return next((d for d in self.districts if d.code == code), None)
