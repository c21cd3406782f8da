"""The replay test can fail: a workflow changed so that an open case would take another
path must not replay a history recorded before the change.

test_replay.py only ever sees histories that replay; were its replayer blind (a wrong
workflow name matched, a converter that hides the commands, a runner that skips the
check), it would pass as well. Here one activity call of the complaint workflow is moved
and the recorded complaint-dismissed.json must fail with a nondeterminism error, while
the same subclass unchanged replays it."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

# The sandbox imports this module afresh to run the workflows below: what is not workflow
# code is passed through, as the real workflow modules do.
with workflow.unsafe.imports_passed_through():
    import pytest
    from temporalio.client import WorkflowHistory
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.worker import Replayer
    from temporalio.workflow import NondeterminismError

    from models.case import Delivery, DocumentRef
    from models.complaint import ComplaintStatus, ComplaintStep
    from tests.helpers import HISTORIES
    from workflows.complaint import WORKFLOW_NAME, ComplaintWorkflow
    from workflows.options import DELIVERY, ONCE
    from workflows.runner import workflow_runner

RECORDED = HISTORIES / "complaint-dismissed.json"


@workflow.defn(name=WORKFLOW_NAME)
class AsRecorded(ComplaintWorkflow):
    """The complaint workflow as it is: the control, so that a failure below is the
    moved call's and not the subclassing's."""

    # The SDK wants each workflow class's run method declared on the class itself.
    @workflow.run
    async def run(self, *args: Any) -> ComplaintStatus:
        return await super().run(*args)


@workflow.defn(name=WORKFLOW_NAME)
class DeliversBeforeIssuing(ComplaintWorkflow):
    """ComplaintWorkflow._answer with the delivery's activity call moved ahead of the
    issue's: the order a careless refactoring could give."""

    @workflow.run
    async def run(self, *args: Any) -> ComplaintStatus:
        return await super().run(*args)

    async def _answer(self) -> None:
        s = self._status
        if s.revoked:
            await self._reconsider()
        self._enter(ComplaintStep.answer)
        answer = self._written_answer()
        s.delivery = await workflow.execute_activity(  # moved here from the end
            "deliver_complaint_answer",
            args=[answer, s.answer],
            result_type=Delivery,
            summary="Deliver the answer to the personal cabinet",
            **DELIVERY,
        )
        s.answer = await workflow.execute_activity(
            "issue_complaint_answer",
            answer,
            result_type=DocumentRef,
            summary="Issue the signed written answer",
            **ONCE,
        )
        self._enter(ComplaintStep.deliver)


async def _replay(workflow_class: type) -> None:
    history = WorkflowHistory.from_json(RECORDED.stem, RECORDED.read_text(encoding="utf-8"))
    replayer = Replayer(
        workflows=[workflow_class],
        workflow_runner=workflow_runner(),
        data_converter=pydantic_data_converter,
    )
    await replayer.replay_workflow(history)


async def test_the_unchanged_subclass_replays() -> None:
    await _replay(AsRecorded)


async def test_a_moved_activity_call_fails_replay_as_nondeterministic() -> None:
    with pytest.raises(NondeterminismError) as failed:
        await _replay(DeliversBeforeIssuing)
    # The history has the issue scheduled where the changed code asks for the delivery.
    why = str(failed.value)
    assert "[TMPRL1100] Nondeterminism error" in why
    assert "issue_complaint_answer" in why and "deliver_complaint_answer" in why
