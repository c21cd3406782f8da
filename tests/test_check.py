from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time

from models.application import MAX_DOCUMENTS, Application, Service
from models.roster import Roster
from rules import regulation
from rules.check import (
    FUTURE_TOLERANCE,
    MAX_APPLICATION_BYTES,
    MAX_JSON_DEPTH,
    ApplicationInvalid,
    Problem,
    check_application,
    check_findings,
    parse_application,
)
from rules.eligibility import age_on, allowed_ages
from rules.iin import Sex, check_digit, make_iin
from rules.roster import SAMPLE_ROSTER, load_roster
from tests.helpers import valid

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# What each invalid example must report: exactly these (field, rule) pairs.
INVALID_EXAMPLES: dict[str, set[tuple[str, str]]] = {
    "deferral-5-invalid-check-digit.json": {("applicant.iin", "iin.check_digit")},
    "deferral-1-invalid-missing-document.json": {("documents", "documents.missing")},
    "deferral-5-invalid-closed-period.json": {("submitted_at", "period.closed")},
    "exemption-6-invalid-unknown-district.json": {("applicant.district", "district.unknown")},
    "deferral-5-invalid-future.json": {("submitted_at", "submitted_at.future")},
    "deferral-5-invalid-ground-as-text.json": {("ground", "schema.type")},
    "deferral-5-invalid-invisible-surname.json": {
        ("applicant.surname", "text.control"),
        ("applicant.surname", "text.no_letter"),
    },
    "deferral-invalid-several.json": {
        ("applicant.phone", "schema.format"),
        ("submitted_at", "schema.timezone"),
        ("ground", "ground.unknown"),
        ("applicant.iin", "iin.format"),
    },
}

# Valid examples that open a case with findings for the commission: exactly these codes.
FINDING_EXAMPLES: dict[str, list[str]] = {
    "deferral-4-finding-female.json": ["iin.sex"],
    "deferral-5-finding-too-old.json": ["age.deferral"],
    "exemption-2-finding-too-young.json": ["age.exemption"],
}


@pytest.fixture(scope="module")
def roster() -> Roster:
    return load_roster(SAMPLE_ROSTER)


def pairs(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.field, p.rule) for p in problems}


# --- examples ---------------------------------------------------------------------------


def test_every_invalid_example_has_an_expectation() -> None:
    on_disk = {p.name for p in EXAMPLES.glob("*invalid*.json")}
    assert on_disk == set(INVALID_EXAMPLES)


@pytest.mark.parametrize(
    "path", sorted(p for p in EXAMPLES.glob("*.json") if "invalid" not in p.name), ids=str
)
def test_valid_examples_pass(path: Path, roster: Roster) -> None:
    assert check_application(path.read_bytes(), roster) == []
    assert isinstance(parse_application(path.read_text(encoding="utf-8"), roster), Application)
    found = [f.code for f in check_findings(path.read_bytes())]
    assert found == FINDING_EXAMPLES.get(path.name, [])


def test_every_finding_example_has_an_expectation() -> None:
    assert {p.name for p in EXAMPLES.glob("*finding*.json")} == set(FINDING_EXAMPLES)


def test_valid_examples_cover_both_services() -> None:
    seen = {
        (a["service"], a["ground"])
        for a in (json.loads(p.read_bytes()) for p in EXAMPLES.glob("*.json"))
        if isinstance(a, dict)
    }
    assert {s for s, _ in seen} == {"deferral", "exemption"}


@pytest.mark.parametrize("name", sorted(INVALID_EXAMPLES))
def test_invalid_examples_fail_as_expected(name: str, roster: Roster) -> None:
    problems = check_application((EXAMPLES / name).read_bytes(), roster)
    assert pairs(problems) == INVALID_EXAMPLES[name]


# --- the IIN ----------------------------------------------------------------------------


def _with_iin(iin: str, **kw: Any) -> dict[str, Any]:
    app = valid(**kw)
    app["applicant"]["iin"] = iin
    return app


def test_bad_check_digit(roster: Roster) -> None:
    iin = make_iin(date(2005, 5, 17))
    bad = iin[:11] + str((int(iin[11]) + 1) % 10)
    assert pairs(check_application(_with_iin(bad), roster)) == {
        ("applicant.iin", "iin.check_digit")
    }


@pytest.mark.parametrize("iin", ["05051750001", "0505175000123", "05O517500012"])
def test_iin_format(iin: str, roster: Roster) -> None:
    assert pairs(check_application(_with_iin(iin), roster)) == {("applicant.iin", "iin.format")}


def test_iin_century(roster: Roster) -> None:
    first11 = "0505170" + "0001"
    iin = first11 + str(check_digit(first11))
    assert pairs(check_application(_with_iin(iin), roster)) == {("applicant.iin", "iin.century")}


def test_iin_birth_date(roster: Roster) -> None:
    first11 = "0502305" + "0001"  # 30 February
    iin = first11 + str(check_digit(first11))
    assert pairs(check_application(_with_iin(iin), roster)) == {("applicant.iin", "iin.birth_date")}


def test_female_applicant_is_a_finding_not_a_problem(roster: Roster) -> None:
    app = _with_iin(make_iin(date(2005, 5, 17), Sex.female))
    assert check_application(app, roster) == []
    assert [f.code for f in check_findings(app)] == ["iin.sex"]


def test_iin_of_wrong_type_is_structural(roster: Roster) -> None:
    app = valid()
    app["applicant"]["iin"] = 50517500012
    assert pairs(check_application(app, roster)) == {("applicant.iin", "schema.type")}


# --- age --------------------------------------------------------------------------------


# Age is substantive: it never stops a submission, and the commission sees it as a finding.


def codes(app: dict[str, Any], roster: Roster) -> list[str]:
    assert check_application(app, roster) == []
    return [f.code for f in check_findings(app)]


@pytest.mark.parametrize(
    ("born", "ok"),
    [
        (date(2008, 4, 14), True),  # 18 today
        (date(2008, 4, 15), False),  # 18 tomorrow
        (date(1999, 4, 15), True),  # 26, turns 27 tomorrow
        (date(1999, 4, 14), False),  # 27 today: no longer liable
        (date(1990, 1, 1), False),
    ],
)
def test_deferral_age(born: date, ok: bool, roster: Roster) -> None:
    assert codes(valid(born=born), roster) == ([] if ok else ["age.deferral"])


@pytest.mark.parametrize(
    ("ground", "born", "ok"),
    [
        (2, date(1999, 4, 14), True),  # 27 today
        (2, date(1999, 4, 15), False),  # still 26
        (2, date(1980, 1, 1), True),  # no upper bound
        (6, date(2008, 4, 14), True),  # 18 today
        (6, date(2008, 4, 15), False),  # 17
        (6, date(1990, 1, 1), True),
    ],
)
def test_exemption_age(ground: int, born: date, ok: bool, roster: Roster) -> None:
    app = valid("exemption", ground, born=born)
    assert codes(app, roster) == ([] if ok else ["age.exemption"])


def test_age_counts_on_the_almaty_date(roster: Roster) -> None:
    # 20:00 UTC on 14 April is 01:00 on 15 April in Almaty, his 18th birthday.
    app = valid(born=date(2008, 4, 15), submitted_at="2026-04-14T20:00:00+00:00")
    assert codes(app, roster) == []
    app = valid(born=date(2008, 4, 15), submitted_at="2026-04-14T18:59:59+00:00")
    assert codes(app, roster) == ["age.deferral"]


def test_age_message_gives_the_age_and_range() -> None:
    [f] = check_findings(valid(born=date(1999, 4, 14)))
    assert f.params == {"date": "2026-04-14", "age": 27, "ground": 5, "min_age": 18,
                        "max_age": 26}  # fmt: skip
    assert "27" in f.en and "18 to 26" in f.en
    assert "27" in f.ru and "от 18 до 26" in f.ru
    assert "27" in f.kk and "18-26" in f.kk


def test_leap_day_birthday() -> None:
    born = date(2008, 2, 29)
    assert age_on(born, date(2026, 2, 28)) == 17
    assert age_on(born, date(2026, 3, 1)) == 18


def test_age_policy_in_one_place() -> None:
    assert (allowed_ages("deferral", 5).min_age, allowed_ages("deferral", 5).max_age) == (18, 26)
    assert (allowed_ages("exemption", 2).min_age, allowed_ages("exemption", 2).max_age) == (
        27,
        None,
    )
    for ground in (1, 3, 4, 5, 6, 7):
        assert allowed_ages("exemption", ground).min_age == 18


# --- documents --------------------------------------------------------------------------


def test_missing_documents_are_named(roster: Roster) -> None:
    problems = check_application(valid("deferral", 1, kinds=[]), roster)
    assert pairs(problems) == {("documents", "documents.missing")}
    [p] = problems
    for code in ("family_inspection_act", "dependants_proof"):
        kind = regulation.document_kind(code)
        assert code in p.en and kind.name.en in p.en
        assert kind.name.kk in p.kk
        assert kind.name.ru in p.ru


def test_one_of_two_documents_missing(roster: Roster) -> None:
    [p] = check_application(valid("exemption", 1, born=date(2000, 1, 1), kinds=[
        "conscription_commission_extract"
    ]), roster)  # fmt: skip
    assert (p.field, p.rule) == ("documents", "documents.missing")
    assert "regional_commission_decision_extract" in p.en
    assert "conscription_commission_extract" not in p.en


def test_documents_key_absent_means_none_attached(roster: Roster) -> None:
    app = valid()
    del app["documents"]
    assert pairs(check_application(app, roster)) == {("documents", "documents.missing")}


def test_extra_documents_are_fine(roster: Roster) -> None:
    app = valid(kinds=["study_certificate", "workplace_certificate", "study_certificate"])
    assert check_application(app, roster) == []


def test_ground_without_documents(roster: Roster) -> None:
    assert check_application(valid("exemption", 2, born=date(1998, 1, 1)), roster) == []


def test_conditional_document_is_not_required(roster: Roster) -> None:
    assert check_application(valid("deferral", 2), roster) == []
    assert regulation.ground("deferral", 2).if_applicable == ("guardianship_resolution",)


def test_unknown_document_kind(roster: Roster) -> None:
    app = valid(kinds=["study_certificate", "selfie"])
    assert pairs(check_application(app, roster)) == {("documents.1.kind", "documents.unknown_kind")}


# --- ground, period, district -----------------------------------------------------------


@pytest.mark.parametrize(("service", "number"), [("deferral", 14), ("exemption", 8)])
def test_unknown_ground(service: str, number: int, roster: Roster) -> None:
    app = valid(service, 1, born=date(2000, 1, 1))
    app["ground"] = number
    assert pairs(check_application(app, roster)) == {("ground", "ground.unknown")}


@pytest.mark.parametrize(
    ("submitted_at", "ok"),
    [
        ("2026-03-01T00:00:00+05:00", True),
        ("2026-02-28T23:59:59+05:00", False),
        ("2026-02-28T19:30:00+00:00", True),  # 00:30 on 1 March in Almaty
        ("2026-06-30T23:59:59+05:00", True),
        ("2026-06-30T19:30:00+00:00", False),  # 00:30 on 1 July in Almaty
        ("2026-07-01T09:00:00+05:00", False),
        ("2026-08-31T18:00:00+05:00", False),
        ("2026-09-01T09:00:00+05:00", True),
        ("2026-12-30T23:00:00+05:00", True),
        ("2026-12-31T10:00:00+05:00", False),
        ("2026-01-15T10:00:00+05:00", False),
    ],
)
def test_acceptance_period(submitted_at: str, ok: bool, roster: Roster) -> None:
    # Born on 1 January so that no birthday falls inside the year under test.
    app = valid(born=date(2005, 1, 1), submitted_at=submitted_at)
    problems = check_application(app, roster, now=datetime(2027, 1, 1, tzinfo=UTC))
    assert pairs(problems) == (set() if ok else {("submitted_at", "period.closed")})


def test_unknown_district(roster: Roster) -> None:
    app = valid()
    app["applicant"]["district"] = "astana-nura"
    assert pairs(check_application(app, roster)) == {("applicant.district", "district.unknown")}


def test_default_roster_comes_from_settings(tmp_path: Path, monkeypatch) -> None:
    one = load_roster(SAMPLE_ROSTER).model_copy()
    one.districts = [d for d in one.districts if d.code == "almaty-almaly"]
    path = tmp_path / "roster.json"
    path.write_text(one.model_dump_json(), encoding="utf-8")
    monkeypatch.setenv("SHAQYRU_ROSTER", str(path))
    assert pairs(check_application(valid())) == {("applicant.district", "district.unknown")}


# --- structure --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda a: a.pop("reason"), {("reason", "schema.missing")}),
        (lambda a: a["applicant"].pop("phone"), {("applicant.phone", "schema.missing")}),
        (lambda a: a.update(ground="five"), {("ground", "schema.type")}),
        (lambda a: a.update(ground=0), {("ground", "schema.range")}),
        (lambda a: a.update(service="pension"), {("service", "schema.choice")}),
        (lambda a: a.update(signed_with="paper"), {("signed_with", "schema.choice")}),
        (lambda a: a.update(extra=1), {("extra", "schema.extra")}),
        (
            lambda a: a["applicant"].update(phone="87011234567"),
            {("applicant.phone", "schema.format")},
        ),
        (lambda a: a["applicant"].update(surname=""), {("applicant.surname", "schema.length")}),
        (
            lambda a: a.update(submitted_at="2026-04-14T10:00:00"),
            {("submitted_at", "schema.timezone")},
        ),
        (lambda a: a.update(submitted_at="yesterday"), {("submitted_at", "schema.type")}),
        (lambda a: a["documents"][0].update(size=0), {("documents.0.size", "schema.range")}),
        (lambda a: a["documents"][0].pop("sha256"), {("documents.0.sha256", "schema.missing")}),
        (lambda a: a.update(documents="none"), {("documents", "schema.type")}),
        (lambda a: a.update(applicant=None), {("applicant", "schema.type")}),
    ],
)
def test_structural_problems(change: Any, expected: set[tuple[str, str]], roster: Roster) -> None:
    app = valid()
    change(app)
    assert pairs(check_application(app, roster)) == expected


def test_not_json() -> None:
    [p] = check_application("{not json")
    assert (p.field, p.rule) == ("", "schema.json")


def test_not_an_object() -> None:
    assert pairs(check_application("[1, 2]")) == {("", "schema.type")}


def test_text_bytes_and_dict_agree(roster: Roster) -> None:
    app = valid(born=date(1990, 1, 1))
    app["applicant"]["district"] = "nowhere"
    text = json.dumps(app, ensure_ascii=False)
    as_dict = check_application(app, roster)
    assert as_dict == check_application(text, roster) == check_application(text.encode(), roster)
    assert pairs(as_dict) == {("applicant.district", "district.unknown")}
    found = check_findings(app)
    assert found == check_findings(text) == check_findings(text.encode())
    assert [f.code for f in found] == ["age.deferral"]


# --- all at once ------------------------------------------------------------------------


def test_every_problem_is_reported_at_once(roster: Roster) -> None:
    app = valid("deferral", 1, kinds=["family_inspection_act"])
    app["applicant"]["iin"] = make_iin(date(2005, 5, 17), Sex.female)
    app["applicant"]["district"] = "nowhere"
    app["applicant"].pop("surname")
    app["submitted_at"] = "2026-08-10T10:00:00+05:00"
    app["signed_with"] = "paper"
    assert pairs(check_application(app, roster)) == {
        ("applicant.surname", "schema.missing"),
        ("signed_with", "schema.choice"),
        ("documents", "documents.missing"),
        ("submitted_at", "period.closed"),
        ("applicant.district", "district.unknown"),
    }


def test_rules_run_on_what_parsed(roster: Roster) -> None:
    # The document list is broken, yet the IIN and period are still judged.
    app = valid(submitted_at="2026-07-01T10:00:00+05:00")
    app["applicant"]["iin"] = "123"
    app["documents"] = [{"kind": "study_certificate"}]
    found = pairs(check_application(app, roster))
    assert {("applicant.iin", "iin.format"), ("submitted_at", "period.closed")} <= found
    assert ("documents.0.file_name", "schema.missing") in found
    assert ("documents", "documents.missing") not in found  # the kind itself was readable


def test_messages_name_field_and_rule_in_every_language(roster: Roster) -> None:
    app = valid()
    app["applicant"]["iin"] = "123"
    app["applicant"]["district"] = "nowhere"
    app.pop("reason")
    problems = check_application(app, roster)
    labels = {
        "applicant.iin": ("ЖСН", "ИИН", "IIN"),
        "applicant.district": ("Аудан", "Район", "District"),
        "reason": ("себебі", "Причина", "Reason"),
    }
    assert {p.field for p in problems} == set(labels)
    for p in problems:
        for text, label in zip((p.kk, p.ru, p.en), labels[p.field], strict=True):
            assert label in text and ": " in text
        assert len({p.kk, p.ru, p.en}) == 3


def test_the_clock_only_bounds_submitted_at(roster: Roster) -> None:
    # Age and period follow submitted_at; the clock only says it has not come yet.
    app = valid()
    with freeze_time("2031-01-01 12:00:00"):
        assert check_application(app, roster) == []
    with freeze_time("2026-01-01 12:00:00"):
        assert pairs(check_application(app, roster)) == {("submitted_at", "submitted_at.future")}


# --- submitted_at in the future ----------------------------------------------------------

SUBMITTED = datetime(2026, 4, 14, 5, 0, tzinfo=UTC)  # valid()'s 10:00 in Almaty


@pytest.mark.parametrize(
    ("now", "ok"),
    [
        (SUBMITTED, True),
        (SUBMITTED - FUTURE_TOLERANCE, True),  # a clock a little behind
        (SUBMITTED - FUTURE_TOLERANCE - timedelta(seconds=1), False),
        (SUBMITTED - timedelta(days=90), False),  # months ahead
    ],
)
def test_submitted_in_the_future(now: datetime, ok: bool, roster: Roster) -> None:
    problems = check_application(valid(), roster, now=now)
    assert pairs(problems) == (set() if ok else {("submitted_at", "submitted_at.future")})


def test_future_message_gives_both_times(roster: Roster) -> None:
    [p] = check_application(valid(), roster, now=datetime(2026, 3, 2, 4, 0, tzinfo=UTC))
    assert "2026-04-14 10:00" in p.en and "2026-03-02 09:00" in p.en
    assert p.en.startswith("Submission time: ") and "future" in p.en
    assert p.ru.startswith("Время подачи заявления: ") and "в будущем" in p.ru
    assert p.kk.startswith("Өтініш берілген уақыт: ") and "болашақ" in p.kk


# --- text that reaches documents and terminals -------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("surname", "   ", {"text.no_letter"}),
        ("name", "\u200b\u200b", {"text.control", "text.no_letter"}),
        ("patronymic", "\u3164", {"text.control", "text.no_letter"}),  # Hangul filler
        ("surname", "1-2", {"text.no_letter"}),
        ("address", " \u3000\t", {"text.control", "text.blank"}),  # a tab: one line only
        ("address", "\u00a0\u2007", {"text.blank"}),  # no-break spaces
        ("name", "Нұр\x00лан", {"text.control"}),
        ("surname", "Әлиев\x1b[2J", {"text.control"}),
        ("address", "Астана\x07", {"text.control"}),
        ("name", "Нұрлан\u202eнаблуР", {"text.control"}),  # right-to-left override
        ("surname", "Әли\u2066ев\u2069", {"text.control"}),
        ("surname", "Әли\ufeffев", {"text.control"}),
        ("surname", "Әли\ud800ев", {"text.control"}),  # a lone surrogate from "\ud800"
    ],
)
def test_applicant_text(field: str, value: str, expected: set[str], roster: Roster) -> None:
    app = valid()
    app["applicant"][field] = value
    assert pairs(check_application(app, roster)) == {(f"applicant.{field}", r) for r in expected}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  \n ", {"text.blank"}),
        ("\u200b", {"text.control", "text.blank"}),
        ("Студентпін.\n\tОқу 2028 жылы аяқталады.", set()),  # lines are fine in a reason
        ("Студентпін.\r\n", {"text.control"}),
        ("Студентпін \ue000", {"text.control"}),  # private use
        ("Оқимын\x00", {"text.control"}),
        ("Оқимын. \u202eтүк", {"text.control"}),
    ],
)
def test_reason_text(value: str, expected: set[str], roster: Roster) -> None:
    app = valid()
    app["reason"] = value
    assert pairs(check_application(app, roster)) == {("reason", r) for r in expected}


def test_document_text(roster: Roster) -> None:
    app = valid()
    app["documents"][0]["file_name"] = "anyqtama\u202efdp.exe"
    app["documents"][0]["ref"] = "   "
    assert pairs(check_application(app, roster)) == {
        ("documents.0.file_name", "text.control"),
        ("documents.0.ref", "text.blank"),
    }


@pytest.mark.parametrize("name", ["О'Нил", "Әлиев-Серікбаев", "Mary Ann", "Ли", "Жанұзақ\u0301"])
def test_real_names_pass(name: str, roster: Roster) -> None:
    app = valid()
    app["applicant"]["surname"] = name
    assert check_application(app, roster) == []


def test_absent_or_empty_patronymic(roster: Roster) -> None:
    for patronymic in (None, ""):
        app = valid()
        app["applicant"]["patronymic"] = patronymic
        assert check_application(app, roster) == []


def test_text_messages_name_the_characters(roster: Roster) -> None:
    app = valid()
    app["applicant"]["name"] = "\u200bНұрлан\u202e\x1b"
    app["applicant"]["surname"] = "  "
    app["reason"] = "\u200b"
    by_field = {(p.field, p.rule): p for p in check_application(app, roster)}
    control = by_field[("applicant.name", "text.control")]
    assert "U+001B, U+200B, U+202E" in control.en
    assert control.en.startswith("Name: ") and "invisible or control" in control.en
    assert control.ru.startswith("Имя: ") and "управляющие символы" in control.ru
    assert control.kk.startswith("Аты: ") and "басқарушы таңбалар" in control.kk
    letter = by_field[("applicant.surname", "text.no_letter")]
    assert letter.en == "Surname: must contain at least one letter"
    assert letter.ru == "Фамилия: должно содержать хотя бы одну букву"
    blank = by_field[("reason", "text.blank")]
    assert blank.en == "Reason: is blank: it has no visible character"


# --- strict numbers ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["5", 5.0, True])
def test_ground_must_be_an_integer(value: Any, roster: Roster) -> None:
    app = valid()
    app["ground"] = value
    [p] = check_application(json.dumps(app), roster)
    assert (p.field, p.rule) == ("ground", "schema.type")
    assert p.en.startswith("Ground number: wrong type of value") and "integer" in p.en
    assert p.ru.startswith("Номер основания: неверный тип значения")


@pytest.mark.parametrize("value", ["2048", 2048.0])
def test_document_size_must_be_an_integer(value: Any, roster: Roster) -> None:
    app = valid()
    app["documents"][0]["size"] = value
    assert pairs(check_application(json.dumps(app), roster)) == {
        ("documents.0.size", "schema.type")
    }


# --- bounds on the raw input ---------------------------------------------------------------


def test_byte_order_mark_is_dropped(roster: Roster) -> None:
    text = json.dumps(valid(), ensure_ascii=False)
    for raw in ("\ufeff" + text, b"\xef\xbb\xbf" + text.encode()):
        assert check_application(raw, roster) == []
        assert parse_application(raw, roster).applicant.surname == "Серікбаев"


def test_file_over_the_size_limit(roster: Roster) -> None:
    app = valid()
    app["reason"] = "x" * MAX_APPLICATION_BYTES  # any content: the size alone decides
    [p] = check_application(json.dumps(app), roster)
    assert (p.field, p.rule) == ("", "application.too_large")
    assert p.en == "Application: the file is larger than 256 KiB; an application is a few KiB"
    assert p.ru.startswith("Заявление: размер файла больше 256 КБ")
    [p] = check_application(b"{" * (MAX_APPLICATION_BYTES + 1), roster)
    assert p.rule == "application.too_large"


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_nesting_deeper_than_the_limit(depth: int, roster: Roster) -> None:
    # 100,000 levels made json.loads raise RecursionError; the object itself is level 1.
    inner = "[" * (depth - 1) + "]" * (depth - 1)
    raw = json.dumps(valid())[:-1] + f', "extra": {inner}}}'
    [p] = check_application(raw, roster)
    assert (p.field, p.rule) == ("", "schema.depth")
    assert p.en == f"Application: JSON is nested deeper than {MAX_JSON_DEPTH} levels"
    assert p.ru == f"Заявление: вложенность JSON глубже {MAX_JSON_DEPTH} уровней"


def test_nesting_at_the_limit_is_read(roster: Roster) -> None:
    inner = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    raw = json.dumps(valid())[:-1] + f', "extra": {inner}}}'
    assert pairs(check_application(raw, roster)) == {("extra", "schema.extra")}


def test_escaped_quotes_are_scanned_once() -> None:
    # An unterminated string of escaped quotes: a scan that restarts at every quote
    # would take minutes over 256 KiB.
    raw = '"' + '\\"' * (MAX_APPLICATION_BYTES // 2 - 1)
    assert pairs(check_application(raw)) == {("", "schema.json")}


def test_brackets_inside_strings_are_not_nesting(roster: Roster) -> None:
    app = valid()
    app["reason"] = '[[[[[[[[[[{{{{{{{{{{ \\" ]]]'
    assert check_application(json.dumps(app), roster) == []


def test_at_most_so_many_documents(roster: Roster) -> None:
    app = valid(kinds=["study_certificate"] * MAX_DOCUMENTS)
    assert check_application(json.dumps(app), roster) == []
    app = valid(kinds=["study_certificate"] * (MAX_DOCUMENTS + 1))
    [p] = check_application(json.dumps(app), roster)
    assert (p.field, p.rule) == ("documents", "documents.too_many")
    assert p.en == f"Attached documents: 51 documents attached; at most {MAX_DOCUMENTS} are allowed"


def test_ten_thousand_attachments(roster: Roster) -> None:
    app = valid(kinds=["study_certificate"] * 10_000)
    assert pairs(check_application(json.dumps(app), roster)) == {("", "application.too_large")}
    assert pairs(check_application(app, roster)) == {("documents", "documents.too_many")}


# --- parse_application ------------------------------------------------------------------


def test_parse_application_returns_the_model(roster: Roster) -> None:
    app = parse_application(json.dumps(valid()), roster)
    assert app.service is Service.deferral and app.ground == 5


def test_parse_application_raises_with_every_problem(roster: Roster) -> None:
    raw = valid()
    raw["applicant"]["district"] = "nowhere"
    raw["submitted_at"] = "2026-07-01T10:00:00+05:00"
    with pytest.raises(ApplicationInvalid) as caught:
        parse_application(raw, roster)
    assert caught.value.problems == check_application(raw, roster)
    assert len(caught.value.problems) == 2


def test_check_does_not_change_its_input(roster: Roster) -> None:
    app = valid()
    app["documents"].append({"kind": "odd"})
    before = copy.deepcopy(app)
    check_application(app, roster)
    assert app == before


# --- the regulation data and the sample roster -----------------------------------------


def test_grounds_as_in_the_standard() -> None:
    assert [g.number for g in regulation.grounds("deferral")] == list(range(1, 14))
    assert [g.number for g in regulation.grounds("exemption")] == list(range(1, 8))
    assert regulation.service_rules("deferral").law_article == 35
    assert regulation.service_rules("exemption").law_article == 36
    assert regulation.ground("exemption", 2).required == ()


def test_every_document_kind_is_known_and_used() -> None:
    used = {
        code
        for s in regulation.SERVICES.values()
        for g in s.grounds
        for code in (*g.required, *g.if_applicable)
    }
    assert used == set(regulation.DOCUMENT_KINDS)
    for kind in regulation.DOCUMENT_KINDS.values():
        assert kind.code.isidentifier() and kind.code.islower()


def test_every_text_has_three_languages() -> None:
    texts = [k.name for k in regulation.DOCUMENT_KINDS.values()]
    for s in regulation.SERVICES.values():
        texts += [s.name, s.fetched_by_provider, *(g.name for g in s.grounds)]
        texts += [r.text for r in regulation.refusal_grounds(s.service)]
    for t in texts:
        assert t.kk and t.ru and t.en


def test_lookups_raise_for_unknown_keys() -> None:
    with pytest.raises(KeyError):
        regulation.ground("deferral", 14)
    with pytest.raises(KeyError):
        regulation.document_kind("selfie")
    with pytest.raises(KeyError):
        regulation.refusal_ground("deferral", 3)


def test_refusal_ground_two_cites_the_service_article() -> None:
    assert "35-бабында" in regulation.refusal_ground("deferral", 2).text.kk
    assert "статьей 36" in regulation.refusal_ground("exemption", 2).text.ru


def test_acceptance_periods() -> None:
    assert regulation.in_acceptance_period(date(2026, 3, 1))
    assert regulation.in_acceptance_period(date(2026, 12, 30))
    assert not regulation.in_acceptance_period(date(2026, 12, 31))
    assert not regulation.in_acceptance_period(date(2028, 2, 29))


def test_sample_roster() -> None:
    r = load_roster(SAMPLE_ROSTER)
    codes = [d.code for d in r.districts]
    assert len(codes) == len(set(codes)) == 7
    ids = [p.id for d in r.districts for p in (d.chairman, *d.members)]
    assert len(ids) == len(set(ids))
    for d in r.districts:
        assert len(d.members) in (3, 5)
        assert d.chairman.id.endswith("-chair")
