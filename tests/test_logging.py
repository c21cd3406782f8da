"""Workflow code logs through the worker's structlog set-up without sandbox errors
(issue 8): a traceback logged from inside a workflow is rendered, not refused."""

from __future__ import annotations

from temporalio import workflow

# The sandbox imports this module again to check the workflow; the rest is not its.
with workflow.unsafe.imports_passed_through():
    import io
    import logging
    import uuid

    import pytest
    from temporalio.worker import Worker

    from worker import configure_logging


@workflow.defn(name="LogsAnError")
class LogsAnError:
    @workflow.run
    async def run(self) -> str:
        try:
            raise ValueError("a sample failure")
        except ValueError:
            workflow.logger.exception("caught in a workflow")
        workflow.logger.warning("escalation %s", "overdue")
        return "done"


@pytest.mark.parametrize("json_logs", [False, True], ids=["console", "json"])
async def test_workflow_logging_renders_in_the_sandbox(time_env, json_logs):
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    out = io.StringIO()
    configure_logging(json_logs=json_logs, stream=out)
    try:
        tq = f"tq-{uuid.uuid4().hex[:8]}"
        async with Worker(time_env.client, task_queue=tq, workflows=[LogsAnError]):
            result = await time_env.client.execute_workflow(
                LogsAnError.run, id=f"log-{uuid.uuid4().hex[:8]}", task_queue=tq
            )
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    text = out.getvalue()
    assert result == "done"
    assert "caught in a workflow" in text and "a sample failure" in text
    assert "escalation overdue" in text
    assert "Restricted" not in text and "Logging error" not in text
