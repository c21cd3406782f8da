"""Recorded histories of real cases replay against today's workflow code.

A change that makes an open case take another path (new commands, other order) fails
here before it reaches a worker that holds such cases."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.helpers import HISTORIES
from workflows.application import ApplicationWorkflow
from workflows.complaint import ComplaintWorkflow
from workflows.runner import workflow_runner

RECORDED = sorted(HISTORIES.glob("*.json"))


def test_histories_are_recorded():
    names = {p.stem for p in RECORDED}
    assert {
        "deferral-granted",
        "exemption-granted",
        "refusal-two-reasons",
        "auto-forward",
        "member-no-answer",
        "chairman-late",
        "term-breach",
        "hostile-signals",
        "signed-granted",
        "signed-granted-v2",
        "refusal-with-findings",
        # Cases opened since the patch "lean-history".
        "deferral-granted-lean",
        "signed-granted-v2-lean",
        "term-breach-lean",
        "hostile-signals-lean",
        "complaint-upheld-decided-again-lean",
        # Cases opened since the patch "local-steps".
        "deferral-granted-local",
        "signed-granted-v2-local",
        "term-breach-local",
        "hostile-signals-local",
        "refusal-with-findings-local",
        "complaint-upheld-decided-again-local",
        # Cases opened since the patch "local-calls".
        "deferral-granted-calls",
        "signed-granted-v2-calls",
        "term-breach-calls",
        "hostile-signals-calls",
        "refusal-with-findings-calls",
        "complaint-upheld-decided-again-calls",
        # Cases opened since the patch "deliver-at-rest".
        "deferral-granted-rest",
        "signed-granted-v2-rest",
        "term-breach-rest",
        "hostile-signals-rest",
        "refusal-with-findings-rest",
        "complaint-upheld-decided-again-rest",
        "delivery-retried-rest",
        # Cases opened since the patch "spent-signatures".
        "deferral-granted-spent",
        "signed-granted-v2-spent",
        "term-breach-spent",
        "hostile-signals-spent",
        "refusal-with-findings-spent",
        "complaint-upheld-decided-again-spent",
        "delivery-retried-spent",
        # Complaints started since the patch "complaint-start-checked" (and revoking only
        # the act they are about: "revoke-only-its-act").
        "complaint-dismissed-checked",
        "complaint-upheld-checked",
    } <= names


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
async def test_history_replays(path):
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    replayer = Replayer(
        workflows=[ApplicationWorkflow, ComplaintWorkflow],
        workflow_runner=workflow_runner(),
        data_converter=pydantic_data_converter,
    )
    await replayer.replay_workflow(history)
