"""Registration numbers (issue 12, point 4): taken from a counter per district and year in
the transaction that registers the case, so they are unique and without gaps however many
registrations run at once, with no collision to retry; a retried registration keeps its
case's one number.

On both databases, real ones: an SQLite file and a throwaway PostgreSQL server."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select
from temporalio.testing import ActivityEnvironment

from activities.registration import Registrar
from models.tables import ApplicationRow, RegistrationCounter
from tests.helpers import application, make_context

ACCEPTED = datetime(2026, 9, 15, 5, tzinfo=UTC)  # 10:00 in Almaty


def at_once(calls: list) -> list:
    """Runs every call in a thread of its own, all released together."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def counters(registrar: Registrar) -> dict[tuple[str, int], int]:
    with Session(registrar.ctx.engine) as db:
        rows = db.exec(select(RegistrationCounter)).all()
        return {(c.district, c.year): c.last_sequence for c in rows}


def test_fifty_registrations_at_once_take_one_to_fifty(tmp_path: Path, database_url: str):
    registrar = Registrar(make_context(tmp_path, database_url=database_url))
    apps = [application(ACCEPTED) for _ in range(50)]
    # `allocate` has no retry loop: a collision would raise here, not be counted again.
    rows = at_once([lambda a=a: registrar.allocate(a, ACCEPTED, ACCEPTED) for a in apps])

    assert sorted(r.sequence for r in rows) == list(range(1, 51))
    assert len({r.registration_number for r in rows}) == 50
    assert {r.application_id for r in rows} == {a.application_id for a in apps}
    assert rows[0].registration_number.startswith("astana-esil-2026-")
    assert counters(registrar) == {("astana-esil", 2026): 50}
    with Session(registrar.ctx.engine) as db:
        assert len(db.exec(select(ApplicationRow)).all()) == 50


def test_a_case_registered_by_several_attempts_at_once_has_one_number(
    tmp_path: Path, database_url: str
):
    """Ten attempts of one case (retries overlapping a worker presumed dead) among ten
    other cases: the case gets one number, and the attempts that lost give theirs back."""
    registrar = Registrar(make_context(tmp_path, database_url=database_url))
    case, others = application(ACCEPTED), [application(ACCEPTED) for _ in range(10)]
    calls = [lambda: registrar.allocate(case, ACCEPTED, ACCEPTED) for _ in range(10)]
    calls += [lambda a=a: registrar.allocate(a, ACCEPTED, ACCEPTED) for a in others]
    rows = at_once(calls)

    assert len({r.registration_number for r in rows[:10]}) == 1
    with Session(registrar.ctx.engine) as db:
        stored = db.exec(select(ApplicationRow)).all()
    assert sorted(r.sequence for r in stored) == list(range(1, 12))
    assert counters(registrar) == {("astana-esil", 2026): 11}


def test_numbers_count_per_district_and_year(tmp_path: Path, database_url: str):
    registrar = Registrar(make_context(tmp_path, database_url=database_url))
    new_year = datetime(2026, 12, 31, 19, 30, tzinfo=UTC)  # 00:30 on 1 January in Almaty
    taken = [
        registrar.allocate(application(ACCEPTED, district=d), at, at).registration_number
        for d, at in [
            ("astana-esil", ACCEPTED),
            ("astana-saryarka", ACCEPTED),
            ("astana-esil", new_year),
            ("astana-esil", ACCEPTED),
        ]
    ]
    assert taken == [
        "astana-esil-2026-00001",
        "astana-saryarka-2026-00001",
        "astana-esil-2027-00001",
        "astana-esil-2026-00002",
    ]


def test_a_number_given_outside_the_counter_is_counted_past(tmp_path: Path, database_url: str):
    """A worker of the previous version (max + 1) registers a case during a rollout: the
    counter does not hand its number out again."""
    registrar = Registrar(make_context(tmp_path, database_url=database_url))
    registrar.allocate(application(ACCEPTED), ACCEPTED, ACCEPTED)
    old = registrar.allocate(application(ACCEPTED), ACCEPTED, ACCEPTED)
    with Session(registrar.ctx.engine) as db:
        db.add(
            ApplicationRow(
                **{
                    **old.model_dump(),
                    "application_id": "OLD-WORKER",
                    "sequence": 3,
                    "registration_number": "astana-esil-2026-00003",
                }
            )
        )
        db.commit()
    after = registrar.allocate(application(ACCEPTED), ACCEPTED, ACCEPTED)
    assert after.registration_number == "astana-esil-2026-00004"


def test_a_retried_activity_keeps_its_number_and_its_form(tmp_path: Path, database_url: str):
    """The activity itself, run twice for one case as Temporal retries it (the second
    attempt later): one number, the first attempt's time, one signed form."""
    registrar = Registrar(make_context(tmp_path, database_url=database_url))
    app = application(ACCEPTED)
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, current_attempt_scheduled_time=ACCEPTED)
    first = env.run(registrar.register_application, app, ACCEPTED)
    env.run(registrar.register_application, application(ACCEPTED), ACCEPTED)
    later = datetime(2026, 9, 15, 6, tzinfo=UTC)
    env.info = dataclasses.replace(env.info, attempt=2, current_attempt_scheduled_time=later)
    again = env.run(registrar.register_application, app, ACCEPTED)

    assert first.number == again.number == "astana-esil-2026-00001"
    assert again.registered_at == first.registered_at == ACCEPTED
    assert again.documents == first.documents
    assert counters(registrar) == {("astana-esil", 2026): 2}
