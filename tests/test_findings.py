"""Findings (issue 11): substantive eligibility and the state records, weighed by the
commission instead of refused at the gate. Pure functions on real models."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from models.application import Application
from models.findings import (
    ChildBirthRecord,
    IdentityRecord,
    MarriageRecord,
    SpouseDeathRecord,
    StateRecords,
)
from rules import findings as rules
from rules.findings import TEXTS, finding, findings
from rules.iin import Sex, check_iin, make_iin
from rules.regulation import gateway_records
from tests.helpers import valid

DAY = date(2026, 4, 14)  # valid()'s submission date in Almaty
BORN = date(2005, 5, 17)


def app(service: str = "deferral", ground: int = 5, born: date = BORN, **kw: Any) -> Application:
    return Application.model_validate(valid(service, ground, born=born, **kw))


def records(a: Application, **kw: Any) -> StateRecords:
    """What a gateway that agrees with the application would answer, changed by `kw`."""
    person = {
        "iin": a.applicant.iin,
        "surname": a.applicant.surname,
        "name": a.applicant.name,
        "patronymic": a.applicant.patronymic,
        "birth_date": check_iin(a.applicant.iin).birth_date,
        "sex": "male",
    }
    person.update(kw.pop("identity", {}))
    return StateRecords(
        asked=True,
        kinds=list(gateway_records(a.service)),
        identity=IdentityRecord.model_validate(person, strict=False),
        **kw,
    )


def codes(a: Application, r: StateRecords | None = None, day: date = DAY) -> list[str]:
    return [f.code for f in findings(a, r, day)]


# --- eligibility: what the gate no longer refuses ---------------------------------------


def test_a_30_year_old_asking_deferral_for_study() -> None:
    a = app(born=date(1996, 1, 10))
    [f] = findings(a, None, DAY)
    assert f.code == "age.deferral"
    assert f.params == {"date": "2026-04-14", "age": 30, "ground": 5, "min_age": 18, "max_age": 26}
    assert f.en == "Aged 30 on 2026-04-14; deferral requires 18 to 26 inclusive"
    assert "30" in f.kk and "18-26 жас" in f.kk
    assert "возраст 30" in f.ru and "от 18 до 26 лет" in f.ru


def test_a_womans_iin() -> None:
    a = Application.model_validate(
        valid() | {"applicant": valid()["applicant"] | {"iin": make_iin(BORN, Sex.female)}}
    )
    [f] = findings(a, None, DAY)
    assert f.code == "iin.sex" and f.params == {}
    assert "әйел" in f.kk and "женщине" in f.ru and "woman" in f.en


def test_exemption_on_ground_2_before_27() -> None:
    assert codes(app("exemption", 2, born=date(1999, 4, 15))) == ["age.exemption"]
    assert codes(app("exemption", 2, born=date(1999, 4, 14))) == []


def test_a_document_of_the_other_service_contradicts_the_ground() -> None:
    # A deferral on health with the extract that recognises him unfit: an exemption's.
    kinds = ["medical_commission_extract", "conscription_commission_extract"]
    [f] = findings(app("deferral", 6, kinds=kinds), None, DAY)
    assert f.code == "documents.other_service"
    assert f.params == {"kind": "conscription_commission_extract", "service": "exemption",
                        "grounds": "1"}  # fmt: skip
    assert "Аудандық (қалалық) әскерге шақыру комиссиясының" in f.kk
    assert "Освобождение граждан" in f.ru
    # A workplace certificate serves two deferral grounds; on an exemption both are named.
    kinds = ["academic_degree_diploma", "workplace_certificate"]
    [f] = findings(app("exemption", 6, kinds=kinds), None, DAY)
    assert f.params["grounds"] == "7, 8"
    # An extra document of the same service says nothing against the ground.
    assert codes(app("deferral", 7, kinds=["workplace_certificate", "study_certificate"])) == []


# --- the state records -------------------------------------------------------------------


def test_records_that_agree_give_nothing() -> None:
    a = app()
    assert codes(a, records(a)) == []
    # Case and ё are not differences worth a commission's time.
    assert codes(a, records(a, identity={"surname": "СЕРІКБАЕВ", "name": "нұрлан"})) == []


def test_not_asked_and_not_found() -> None:
    a = app()
    assert codes(a, StateRecords.not_asked()) == ["records.not_asked"]
    assert codes(a, StateRecords(asked=True, kinds=list(gateway_records("deferral")))) == [
        "records.iin_unknown"
    ]
    assert codes(a, None) == []  # an offline check leaves the records out


def test_identity_record_against_the_iin_and_the_name() -> None:
    a = app()
    r = records(a, identity={"birth_date": date(2005, 5, 18), "sex": "female",
                             "surname": "Серікбаева"})  # fmt: skip
    found = findings(a, r, DAY)
    assert [f.code for f in found] == ["records.birth_date", "records.sex", "records.name"]
    assert found[0].params == {"record": "2005-05-18", "iin_date": "2005-05-17"}
    assert found[2].params["record"] == "Серікбаева Нұрлан Асқарұлы"


def _married(on: str = "2024-06-01", dissolved: str | None = None) -> MarriageRecord:
    return MarriageRecord.model_validate(
        {"registered_on": on, "dissolved_on": dissolved}, strict=False
    )


def _child(born: str) -> ChildBirthRecord:
    return ChildBirthRecord.model_validate({"birth_date": born}, strict=False)


def _death(on: str) -> SpouseDeathRecord:
    return SpouseDeathRecord.model_validate({"died_on": on}, strict=False)


@pytest.mark.parametrize(
    ("marriages", "births", "deaths", "expected"),
    [
        ([_married()], [_child("2025-02-01")], [], []),
        ([], [_child("2025-02-01")], [], ["records.no_marriage"]),
        ([_married()], [], [], ["records.no_child"]),
        ([_married()], [_child("2026-05-01")], [], ["records.no_child"]),  # not yet born
        ([_married("2026-05-01")], [_child("2025-02-01")], [], ["records.no_marriage"]),
        ([_married(dissolved="2026-01-10")], [_child("2025-02-01")], [], ["records.no_marriage"]),
        ([_married()], [_child("2025-02-01")], [_death("2025-12-01")], ["records.no_marriage"]),
    ],
    ids=[
        "married-with-child",
        "no-marriage",
        "no-child",
        "child-not-yet-born",
        "married-later",
        "divorced",
        "widowed",
    ],  # fmt: skip
)
def test_deferral_ground_4_married_with_children(
    marriages: list, births: list, deaths: list, expected: list[str]
) -> None:
    a = app("deferral", 4)
    r = records(a, marriages=marriages, child_births=births, spouse_deaths=deaths)
    assert codes(a, r) == expected


def test_deferral_ground_2_child_without_the_mother() -> None:
    a = app("deferral", 2)
    child = [_child("2024-01-01")]
    assert codes(a, records(a, child_births=child)) == []
    assert codes(a, records(a, child_births=child, spouse_deaths=[_death("2025-01-01")],
                            marriages=[_married("2023-01-01")])) == []  # fmt: skip
    found = findings(a, records(a, child_births=child, marriages=[_married("2023-01-01")]), DAY)
    assert [f.code for f in found] == ["records.marriage_in_force"]
    assert found[0].params == {"date": "2026-04-14", "ground": 2}
    assert codes(a, records(a)) == ["records.no_child"]


def test_family_records_say_nothing_of_other_grounds() -> None:
    for a in (app("deferral", 5), app("exemption", 6, born=date(1998, 1, 1))):
        assert codes(a, records(a)) == []


# --- the catalogue -------------------------------------------------------------------------


def test_every_code_speaks_three_languages() -> None:
    sample = {"date": "2026-04-14", "age": 30, "ground": 4, "min_age": 18, "max_age": 26,
              "kind": "study_certificate", "service": "deferral", "grounds": "5",
              "record": "x", "iin_date": "y", "application": "a"}  # fmt: skip
    for code in TEXTS:
        f = finding(code, **sample)
        assert f.kk and f.ru and f.en and len({f.kk, f.ru, f.en}) == 3
        assert "{" not in f.kk + f.ru + f.en, code
    with pytest.raises(KeyError):
        finding("age.pension")


def test_findings_are_pure() -> None:
    # The workflow imports the module inside Temporal's sandbox: no zoneinfo, no I/O.
    source = open(rules.__file__, encoding="utf-8").read()
    assert "zoneinfo" not in source and "open(" not in source and "datetime.now" not in source
