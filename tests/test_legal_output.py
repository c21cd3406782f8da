"""What the citizen receives (issue 11), through the real workflow, real HTTP addressees,
a real gateway stand-in and pdftotext: findings instead of gates, a refusal on the ground
the chairman chose and to the cabinet alone, the acceptance mark with the due date."""

from __future__ import annotations

import base64
import subprocess
from datetime import date, time

from models.application import Application
from models.case import CaseStatus, Step
from models.decisions import ChairmanDecision, Forward, MemberDecision
from rules.iin import make_iin
from tests.addressee import Addressee as Endpoint
from tests.gateway import Gateway
from tests.helpers import (
    application,
    at_step,
    keep_history,
    make_context,
    skip_to,
    start,
    task_queue,
    until,
    weekday_at,
    worker_for,
)


def aged(submitted, years: int) -> Application:
    app = application(submitted)
    born = date(submitted.year - years, 5, 17)
    applicant = app.applicant.model_copy(update={"iin": make_iin(born)})
    return app.model_copy(update={"applicant": applicant})


def identity_of(app: Application, born: date) -> dict:
    a = app.applicant
    return {
        "iin": a.iin,
        "identity": {
            "iin": a.iin,
            "surname": a.surname,
            "name": a.name,
            "patronymic": a.patronymic,
            "birth_date": born.isoformat(),
            "sex": "male",
        },
        "child_births": [],
        "marriages": [],
        "spouse_deaths": [],
    }


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "received.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


async def test_a_thirty_year_old_is_refused_on_ground_2_by_the_commission(
    time_env, executor, tmp_path
):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 1, time(10, 0))
    app = aged(submitted, 30)
    ctx = make_context(tmp_path)
    with Endpoint("cabinet") as cabinet, Endpoint("military") as military:
        ctx.endpoints = {"cabinet": cabinet.url, "military": military.url}
        async with worker_for(client, ctx, executor, tq):
            handle = await start(client, app, tq)
            await skip_to(time_env, submitted)
            s = await until(
                handle, lambda s: s.acceptance_mark is not None and s.findings, "mark, findings"
            )
            # The portal let it through; the commission sees why it may not be granted.
            assert "age.deferral" in {f.code for f in s.findings}
            assert s.acceptance_mark.state == "delivered"
            chairman = s.registration.commission.chairman.id
            members = [m.id for m in s.registration.commission.members]
            await handle.execute_update("forward", Forward(actor=chairman))
            for m in members:
                await handle.execute_update(
                    "member_decision", MemberDecision(actor=m, verdict="agree")
                )
            await at_step(handle, Step.decide)
            age = next(f for f in s.findings if f.code == "age.deferral")
            refusal = ChairmanDecision(
                actor=chairman, verdict="refuse", refusal_ground=2, reasons=[age.ru]
            )
            await handle.execute_update("chairman_decision", refusal)
            final = CaseStatus.model_validate(await handle.result())
            await keep_history(handle, "refusal-with-findings")
        assert [d.addressee for d in final.deliveries] == ["cabinet"]
        assert [d.state for d in final.deliveries] == ["delivered"]
        assert military.held() == 0, "para. 13: the refusal notice is not the military's"
        bodies = list(cabinet.documents.values())
        marks = list(cabinet.notices.values())
    mark = next(b for b in marks if "result_due_on" in b)
    assert mark["registration_number"] == final.registration.number
    assert mark["result_due_on"] == final.term_due_at.astimezone(ALMATY).date().isoformat()
    notice = next(b for b in bodies if b.get("kind") == "refusal")
    text = " ".join(pdf_text(base64.b64decode(notice["pdf_base64"]), tmp_path).split())
    # Ground 2's words (Art. 35 of the Law), on both pages; none of ground 1's.
    assert "объектілердің, деректер мен мәліметтердің" in text
    assert "требованиям, установленным статьей 35 Закона" in text
    assert "недостоверност" not in text and "дұрыс еместігін" not in text


async def test_a_birth_date_that_differs_from_the_iin_is_a_finding(time_env, executor, tmp_path):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 1, time(10, 0))
    app = aged(submitted, 20)
    born = date(submitted.year - 20, 5, 17)
    with Gateway(records={app.applicant.iin: identity_of(app, born)}) as gateway:
        gateway.differ_birth_date(app.applicant.iin, days=3)
        ctx = make_context(tmp_path)
        ctx.endpoints = {"cabinet": None, "military": None, "gateway": gateway.url}
        async with worker_for(client, ctx, executor, tq):
            handle = await start(client, app, tq)
            await skip_to(time_env, submitted)
            s = await until(handle, lambda s: s.records_asked, "the gateway's answer")
            await handle.terminate("test over")
    assert "records.birth_date" in {f.code for f in s.findings}
    assert len(gateway.requests) >= 1


from rules.timezone import ALMATY  # noqa: E402
