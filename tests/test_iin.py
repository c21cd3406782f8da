from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.iin import Sex, check_digit, check_iin, make_iin

# 9+0+0+1*4+0+1*6+3*7+0+0+0+1*11 = 51; 51 mod 11 = 7
PLAIN = "900101300017"
# First round: 9+4+6+21+8*10+1*11 = 131 = 10 (mod 11); second round with weights
# 3,4,5,6,7,8,9,10,11,1,2: 27+6+8+27+8+2 = 78 = 1 (mod 11)
SECOND_ROUND = "900101300811"
# Both rounds give 10 (120 and 76 mod 11): no 12th digit can make this valid.
NO_CHECK_DIGIT = "90010130080"


def test_plain_check_digit() -> None:
    result = check_iin(PLAIN)
    assert result.birth_date == date(1990, 1, 1)
    assert result.sex is Sex.male
    assert result.problems == ()


def test_second_round_of_weights() -> None:
    assert check_digit(SECOND_ROUND[:11]) == 1
    assert check_iin(SECOND_ROUND).valid
    assert check_iin(SECOND_ROUND[:11] + "0").problems == ("iin.check_digit",)


@pytest.mark.parametrize("last", "0123456789")
def test_both_rounds_ten_is_never_valid(last: str) -> None:
    assert check_digit(NO_CHECK_DIGIT) is None
    assert check_iin(NO_CHECK_DIGIT + last).problems == ("iin.check_digit",)


def test_make_iin_skips_serials_without_check_digit() -> None:
    iin = make_iin(date(1990, 1, 1), serial=80)
    assert iin == "900101300811"  # serial 0080 has no check digit, 0081 is next


@pytest.mark.parametrize(
    ("iin", "born", "sex"),
    [
        (make_iin(date(1899, 12, 31)), date(1899, 12, 31), Sex.male),
        (make_iin(date(1850, 6, 1), Sex.female), date(1850, 6, 1), Sex.female),
        (make_iin(date(1975, 3, 8), Sex.female), date(1975, 3, 8), Sex.female),
        (make_iin(date(2000, 2, 29)), date(2000, 2, 29), Sex.male),
        (make_iin(date(2008, 4, 15), Sex.female), date(2008, 4, 15), Sex.female),
    ],
)
def test_century_and_sex(iin: str, born: date, sex: Sex) -> None:
    result = check_iin(iin)
    assert result.valid and (result.birth_date, result.sex) == (born, sex)


def test_seventh_digit_values() -> None:
    assert make_iin(date(1850, 1, 1))[6] == "1"
    assert make_iin(date(1850, 1, 1), Sex.female)[6] == "2"
    assert make_iin(date(1990, 1, 1))[6] == "3"
    assert make_iin(date(1990, 1, 1), Sex.female)[6] == "4"
    assert make_iin(date(2005, 1, 1))[6] == "5"
    assert make_iin(date(2005, 1, 1), Sex.female)[6] == "6"


@pytest.mark.parametrize(
    "iin",
    [
        "",
        "90010130001",
        "9001013000177",
        "90010130001a",
        "９００１０１３０００１７",
        "90010130001 ",
    ],
)
def test_format(iin: str) -> None:
    assert check_iin(iin).problems == ("iin.format",)


@pytest.mark.parametrize("digit", "0789")
def test_century_digit_out_of_range(digit: str) -> None:
    first11 = f"900101{digit}0001"
    iin = first11 + str(check_digit(first11))
    result = check_iin(iin)
    assert result.problems == ("iin.century",)
    assert result.birth_date is None and result.sex is None


@pytest.mark.parametrize(
    "first6",
    ["901301", "900230", "900100", "000229"],  # month 13, 30 Feb, day 0, 29 Feb 1900
)
def test_birth_date_must_exist(first6: str) -> None:
    first11 = f"{first6}30001"
    iin = first11 + str(check_digit(first11))
    result = check_iin(iin)
    assert result.problems == ("iin.birth_date",)
    assert result.sex is Sex.male  # the 7th digit still reads


def test_29_february_2000_exists() -> None:
    # Same six digits as above, but the 7th digit puts them in 2000, a leap year.
    assert check_iin(make_iin(date(2000, 2, 29))).valid


def test_all_problems_at_once() -> None:
    first11 = "90130130001"
    bad = first11 + str((check_digit(first11) + 1) % 10)
    assert check_iin(bad).problems == ("iin.birth_date", "iin.check_digit")


def test_a_wrong_check_digit_is_the_only_problem_named() -> None:
    result = check_iin("900101300018")
    assert not result.valid and result.problems == ("iin.check_digit",)


def test_make_iin_out_of_range() -> None:
    with pytest.raises(ValueError):
        make_iin(date(2100, 1, 1))


@given(
    born=st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)),
    sex=st.sampled_from(Sex),
    serial=st.integers(min_value=0, max_value=9000),
)
def test_made_iins_are_valid(born: date, sex: Sex, serial: int) -> None:
    result = check_iin(make_iin(born, sex, serial))
    assert result.valid
    assert (result.birth_date, result.sex) == (born, sex)


@given(born=st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)))
def test_only_one_check_digit_fits(born: date) -> None:
    iin = make_iin(born)
    others = [iin[:11] + d for d in "0123456789" if d != iin[11]]
    assert all(check_iin(o).problems == ("iin.check_digit",) for o in others)
