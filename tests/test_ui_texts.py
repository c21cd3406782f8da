"""What a supervisor reads in the Temporal UI: the list's summary and a case's current
details, in Kazakh and Russian, with Almaty times to the minute."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from temporalio.api.sdk.v1 import WorkflowMetadata

from models.case import Step
from tests.helpers import application, at_step, skip_to, start, task_queue, weekday_at, worker_for
from workflows.details import details, local

ENGLISH = re.compile(r"\b(Step|Due|Waiting|Registration|overdue|review)\b")


def test_details_speak_kazakh_and_russian():
    due = datetime(2026, 12, 2, 5, 1, 30, 123456, tzinfo=UTC)
    text = details("review", "astana-esil-2026-00001", due, True, ["esil-m1"])
    assert "**Кезең / Этап:**" in text and "2026-12-02 10:01 +05:00" in text
    assert "мерзімі өтті / просрочено" in text and "esil-m1" in text
    assert not ENGLISH.search(text), text
    assert local(due) == "2026-12-02 10:01 +05:00"


async def test_a_running_case_shows_its_details(time_env, context, executor):
    client, tq = time_env.client, task_queue()
    submitted = weekday_at(await time_env.get_current_time(), 1, time(10, 0))
    async with worker_for(client, context, executor, tq):
        handle = await start(client, application(submitted), tq)
        await skip_to(time_env, submitted + timedelta(minutes=1))
        await at_step(handle, Step.forward)
        meta = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    text = meta.current_details
    assert "**Кезең / Этап:**" in text and "**Тіркеу нөмірі / Рег. номер:**" in text
    assert "+05:00" in text and not ENGLISH.search(text), text
