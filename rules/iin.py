"""The individual identification number (IIN, ЖСН/ИИН): 12 digits.

Digits 1-6 are the birth date YYMMDD; digit 7 gives the century and sex (1/2 for the
1800s, 3/4 for the 1900s, 5/6 for the 2000s; odd is male); digits 8-11 are a serial
number; digit 12 is a check digit. Pure code: workflows may import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

_FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


class Sex(StrEnum):
    male = "male"
    female = "female"


@dataclass(frozen=True)
class IinCheck:
    """What an IIN says and what is wrong with it; `problems` holds rule codes
    (`iin.format`, `iin.century`, `iin.birth_date`, `iin.check_digit`)."""

    iin: str
    birth_date: date | None = None
    sex: Sex | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return not self.problems


def check_digit(first11: str) -> int | None:
    """The 12th digit for these 11 digits, or None when no valid IIN starts with them."""
    digits = [int(c) for c in first11]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        value = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if value != 10:
            return value
    return None


def check_iin(iin: str) -> IinCheck:
    """Every problem of the IIN at once, with whatever could still be read from it."""
    # str.isdigit() would accept other scripts' digits ("١٢٣"); the IIN is ASCII only.
    if len(iin) != 12 or not all("0" <= c <= "9" for c in iin):
        return IinCheck(iin, problems=("iin.format",))
    problems: list[str] = []
    century_digit = int(iin[6])
    birth: date | None = None
    sex: Sex | None = None
    if century_digit in _CENTURY:
        sex = Sex.male if century_digit % 2 else Sex.female
        try:
            birth = date(_CENTURY[century_digit] + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
        except ValueError:
            problems.append("iin.birth_date")
    else:
        problems.append("iin.century")
    if check_digit(iin[:11]) != int(iin[11]):
        problems.append("iin.check_digit")
    return IinCheck(iin, birth, sex, tuple(problems))


def make_iin(birth_date: date, sex: Sex = Sex.male, serial: int = 1) -> str:
    """A valid IIN for tests and examples. Serials whose check digit cannot exist are
    skipped, so the serial of the result may be larger than asked."""
    base = (birth_date.year // 100) * 100
    century = {1800: 1, 1900: 3, 2000: 5}.get(base)
    if century is None:
        raise ValueError("the IIN covers births from 1800 to 2099")
    century += 0 if sex is Sex.male else 1
    for n in range(serial, 10_000):
        first11 = f"{birth_date:%y%m%d}{century}{n:04d}"
        digit = check_digit(first11)
        if digit is not None:
            return f"{first11}{digit}"
    raise ValueError("no valid serial left")
