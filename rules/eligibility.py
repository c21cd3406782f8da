"""Who may apply, by age. The whole age policy is here, in one place, so that a lawyer
can read and change it.

Policy (the regulation itself sets no ages; they come from the Law "On military
service and the status of servicemen", which calls male citizens up for fixed-term
service from 18 until they turn 27):

- Age is counted in whole years from the birth date in the IIN to the *local*
  (Asia/Almaty) date of submission. The caller converts the submission moment to that
  date; this module stays free of time zones so that workflows may import it.
- Deferral: ages 18 to 26 inclusive. Below 18 he is not yet liable to conscription;
  from 27 he is no longer liable, so there is nothing left to defer.
- Exemption, ground 2 ("not called up ... by the age of 27"): only from 27, because
  before that birthday the ground has not arisen.
- Exemption, other grounds: from 18, when liability to conscription begins. No upper
  bound: an exemption still settles his military registration after 27.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.application import Service

CONSCRIPTION_AGE = 18
"""Liability to conscription begins on the 18th birthday."""
END_OF_LIABILITY_AGE = 27
"""Liability to conscription ends on the 27th birthday."""
EXEMPTION_GROUND_AGE_27 = 2
"""The exemption ground that is itself about reaching 27."""


@dataclass(frozen=True)
class AgeRange:
    min_age: int
    max_age: int | None  # inclusive; None: no upper bound

    def contains(self, age: int) -> bool:
        return age >= self.min_age and (self.max_age is None or age <= self.max_age)


def age_on(birth_date: date, day: date) -> int:
    """Whole years completed on `day`. Someone born on 29 February turns a year older on
    1 March in common years, as the birthday has not yet come on 28 February."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def allowed_ages(service: Service | str, ground: int) -> AgeRange:
    if Service(service) is Service.deferral:
        return AgeRange(CONSCRIPTION_AGE, END_OF_LIABILITY_AGE - 1)
    if ground == EXEMPTION_GROUND_AGE_27:
        return AgeRange(END_OF_LIABILITY_AGE, None)
    return AgeRange(CONSCRIPTION_AGE, None)


def age_rule(service: Service | str) -> str:
    """The problem code reported when the age does not fit."""
    return f"age.{Service(service).value}"


def last_day_of_liability(birth_date: date) -> date:
    """The day before the birthday on which liability ends: no deferral runs past it.
    Someone born on 29 February has that birthday on 1 March in a common year."""
    year = birth_date.year + END_OF_LIABILITY_AGE
    try:
        birthday = birth_date.replace(year=year)
    except ValueError:
        birthday = date(year, 3, 1)
    return date.fromordinal(birthday.toordinal() - 1)
