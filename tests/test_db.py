"""The read model on SQLite and on PostgreSQL (issue 14): its schema is made by the
migrations in migrations/, the same as models/tables.py declares; workers that start
together migrate it once; a database made before there were migrations is taken over
with its numbers; personal data rests encrypted and times come back in UTC; and a whole
case leaves the same journal on both.

Real databases: an SQLite file and a throwaway PostgreSQL server whose zone is not UTC."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select
from typer.testing import CliRunner

from activities.db import connect, current_revision, engine_for, head_revision, upgrade
from activities.records import Records
from activities.registration import Registrar
from cli.db_cmd import db_app
from models.case import CaseEvent, Step
from models.tables import (
    ApplicationRow,
    DecisionRow,
    DocumentRow,
    EscalationRow,
    OutboxDelivery,
    RegistrationCounter,
    ResultRow,
    StepChange,
)
from rules.timezone import ALMATY
from tests.helpers import (
    application,
    decide,
    make_context,
    start,
    task_queue,
    weekday_at,
    worker_for,
)

ACCEPTED = datetime(2026, 9, 15, 5, tzinfo=UTC)


def test_migrations_make_the_tables_the_models_declare(database_url: str):
    engine = connect(database_url)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_workers_starting_together_migrate_one_after_another(database_url: str):
    engines = [engine_for(database_url) for _ in range(6)]
    start = threading.Barrier(len(engines))

    def migrate(engine):
        start.wait()
        return upgrade(engine)

    with ThreadPoolExecutor(len(engines)) as pool:
        assert list(pool.map(migrate, engines)) == [head_revision()] * len(engines)


def old_row(app_id: str, district: str, sequence: int) -> ApplicationRow:
    return ApplicationRow(
        application_id=app_id,
        service="deferral",
        ground=5,
        district=district,
        submitted_at=ACCEPTED,
        accepted_at=ACCEPTED,
        year=2026,
        sequence=sequence,
        registration_number=f"{district}-2026-{sequence:05d}",
        registered_at=ACCEPTED,
        commission={},
    )


def test_a_database_from_before_migrations_is_taken_over(tmp_path: Path, database_url: str):
    """What SQLModel's create_all made before, with cases registered in it: stamped, given
    its counters, and numbering goes on from the last number."""
    engine = engine_for(database_url)
    # The baseline's schema, without the stamp that says so.
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
    with Session(engine) as db:
        for i in (1, 2, 3):
            db.add(old_row(f"OLD-{i}", "astana-esil", i))
        db.add(old_row("OLD-4", "astana-saryarka", 1))
        db.commit()
    engine.dispose()

    ctx = make_context(tmp_path, database_url=database_url)
    assert current_revision(ctx.engine) == head_revision()
    with Session(ctx.engine) as db:
        counters = {
            (c.district, c.year): c.last_sequence for c in db.exec(select(RegistrationCounter))
        }
    assert counters == {("astana-esil", 2026): 3, ("astana-saryarka", 2026): 1}
    row = Registrar(ctx).allocate(application(ACCEPTED), ACCEPTED, ACCEPTED)
    assert row.registration_number == "astana-esil-2026-00004"


def test_personal_data_rests_sealed_and_times_come_back_in_utc(tmp_path: Path, database_url: str):
    ctx = make_context(tmp_path, database_url=database_url)
    issued = datetime(2026, 9, 15, 10, 30, tzinfo=ALMATY)
    data = {"applicant_name": "Серікбаев Нұрлан", "address": "Астана қ., Есіл ауданы"}
    with Session(ctx.engine) as db:
        db.add(
            ResultRow(
                application_id="A-1",
                kind="conclusion",
                registration_number="astana-esil-2026-00001",
                issued_at=issued,
                data=data,
            )
        )
        db.commit()
    with ctx.engine.connect() as conn:
        stored = str(conn.execute(text("SELECT data FROM results")).scalar_one())
    assert "Серікбаев" not in stored and "Астана" not in stored and "sealed" in stored
    with Session(ctx.engine) as db:
        row = db.get(ResultRow, "A-1")
    assert row.data == data
    assert row.issued_at == issued and row.issued_at.utcoffset().total_seconds() == 0


async def test_a_case_leaves_its_journal_in_the_read_model(
    time_env, tmp_path: Path, executor, database_url: str
):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 1, time(10, 0))
    app = application(submitted)
    ctx = make_context(tmp_path, database_url=database_url)
    async with worker_for(client, ctx, executor, tq):
        handle = await start(client, app, tq)
        await decide(time_env, handle, submitted)
        final = await handle.result()

    assert final.step == Step.done
    case = app.application_id
    with Session(ctx.engine) as db:
        row = db.get(ApplicationRow, case)
        steps = db.exec(select(StepChange).where(StepChange.application_id == case)).all()
        decisions = db.exec(select(DecisionRow).where(DecisionRow.application_id == case)).all()
        result = db.get(ResultRow, case)
        documents = db.exec(select(DocumentRow).where(DocumentRow.application_id == case)).all()
        outbox = db.exec(select(OutboxDelivery).where(OutboxDelivery.application_id == case)).all()
    assert (
        row.registration_number
        == final.registration.number
        == "astana-esil-" + (f"{submitted.year}-00001")
    )
    assert (row.step, row.outcome) == ("done", "granted")
    assert steps[-1].step == "done" and len({s.seq for s in steps}) == len(steps)
    assert [d.actor for d in decisions if d.accepted] == [
        "esil-chair",
        "esil-m1",
        "esil-m2",
        "esil-m3",
        "esil-chair",
    ]
    assert result.registration_number == row.registration_number
    assert result.data["registration_number"] == row.registration_number
    assert {d.kind for d in documents} >= {"application", "conclusion"}
    # The result's deliveries; the acceptance mark has its own row beside them.
    results_to = {d.addressee.value for d in final.deliveries}
    assert results_to == {"cabinet", "military"}
    assert {(o.addressee, o.delivered_at is not None) for o in outbox} >= {
        ("cabinet", True),
        ("military", True),
    }


def test_a_journal_batch_written_twice_leaves_each_line_once(tmp_path: Path, database_url: str):
    """A journal write retried after it committed (its worker died before reporting) adds
    nothing: the lines are keyed by (application, seq). The application row takes the
    batch's last step and the chairman's outcome."""
    ctx = make_context(tmp_path, database_url=database_url)
    row = Registrar(ctx).allocate(application(ACCEPTED), ACCEPTED, ACCEPTED)
    case = row.application_id

    def line(seq: int, kind: str, step: Step, data: dict, actor: str | None = None):
        return CaseEvent(
            application_id=case, seq=seq, at=ACCEPTED, kind=kind, step=step, data=data, actor=actor
        )

    first = [
        line(1, "step", Step.forward, {}),
        line(2, "decision", Step.forward, {"action": "forward"}, "esil-chair"),
        line(3, "step", Step.review, {}),
    ]
    then = [
        *first,
        line(4, "escalation", Step.review, {"kind": "no_answer", "note": "no answer"}),
        line(5, "rejection", Step.decide, {"action": "chairman_decision"}, "esil-m1"),
        line(6, "decision", Step.decide, {"action": "chairman_decision", "verdict": "grant"}),
        line(7, "step", Step.issue, {}),
        line(8, "delivery", Step.deliver, {}),
    ]
    records = Records(ctx)
    records.record_events(first)
    records.record_events(then)  # the first batch again, with the lines after it
    records.record_events(then)
    with Session(ctx.engine) as db:
        steps = db.exec(select(StepChange).where(StepChange.application_id == case)).all()
        decisions = db.exec(select(DecisionRow).where(DecisionRow.application_id == case)).all()
        escalations = db.exec(select(EscalationRow)).all()
        app = db.get(ApplicationRow, case)
    assert sorted(s.seq for s in steps) == [1, 3, 7]
    assert sorted((d.seq, d.accepted) for d in decisions) == [(2, True), (5, False), (6, True)]
    assert [(e.seq, e.kind) for e in escalations] == [(4, "no_answer")]
    assert (app.step, app.outcome) == ("issue", "granted")


def test_db_upgrade_and_status_commands(tmp_path: Path, database_url: str, monkeypatch):
    monkeypatch.setenv("SHAQYRU_LANG", "en")
    monkeypatch.setenv("SHAQYRU_DATABASE_URL", database_url)
    monkeypatch.setenv("SHAQYRU_DATA", str(tmp_path))
    runner = CliRunner()
    behind = runner.invoke(db_app, ["status"])
    assert behind.exit_code == 1 and f"revision none, latest {head_revision()}" in behind.output
    done = runner.invoke(db_app, ["upgrade"])
    assert done.exit_code == 0, done.output
    assert f"revision {head_revision()} (was none)" in done.output
    again = runner.invoke(db_app, ["upgrade"])
    assert f"revision {head_revision()} (was {head_revision()})" in again.output
    assert runner.invoke(db_app, ["status"]).exit_code == 0


def test_db_command_says_when_it_cannot_reach_the_database(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SHAQYRU_LANG", "en")
    monkeypatch.setenv("SHAQYRU_DATABASE_URL", f"postgresql+psycopg://u:s3cret@/x?host={tmp_path}")
    done = CliRunner().invoke(db_app, ["upgrade"])
    assert done.exit_code == 3
    assert "cannot reach" in done.output and "s3cret" not in done.output


def test_documents_says_its_read_model_is_unreachable_without_the_password(
    tmp_path: Path, monkeypatch
):
    from cli.main import app as shaqyru

    monkeypatch.setenv("SHAQYRU_LANG", "en")
    monkeypatch.setenv("SHAQYRU_DATA", str(tmp_path))
    monkeypatch.setenv("SHAQYRU_DATABASE_URL", f"postgresql+psycopg://u:s3cret@/x?host={tmp_path}")
    for verbose in ([], ["--verbose"]):
        done = CliRunner().invoke(
            shaqyru, [*verbose, "documents", "EGOV-1", "--out", str(tmp_path / "out")]
        )
        assert done.exit_code != 0
        assert "x?host" in done.output and "s3cret" not in done.output


def test_a_worker_of_an_older_release_starts_on_a_read_model_migrated_past_it(
    database_url: str,
):
    """Migrate first, then replace the workers (docs/operations.md): meanwhile an old
    worker that restarts finds a revision it does not know, and must work on."""
    engine = connect(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_next_release'"))
    again = connect(database_url)
    assert current_revision(again) == "9999_next_release"
    with Session(again) as db:
        assert db.exec(select(ApplicationRow)).all() == []


def test_a_database_password_apart_from_the_url_survives_any_character(monkeypatch):
    from sqlalchemy.engine import make_url

    import settings as config

    secret = "Top@Secret9%41:/?#"
    monkeypatch.setenv("SHAQYRU_DATABASE_URL", "postgresql+psycopg://shaqyru@postgresql:5432/x")
    monkeypatch.setenv("SHAQYRU_DATABASE_PASSWORD", secret)
    url = make_url(config.load().db_url)
    assert (url.username, url.password, url.host, url.port) == (
        "shaqyru",
        secret,
        "postgresql",
        5432,
    )
    # A URL that carries its own password, or none at all to put it in, is left as given.
    monkeypatch.setenv("SHAQYRU_DATABASE_URL", "postgresql+psycopg://u:given@h/x")
    assert make_url(config.load().db_url).password == "given"
    monkeypatch.delenv("SHAQYRU_DATABASE_URL")
    assert config.load().db_url.startswith("sqlite:///")
