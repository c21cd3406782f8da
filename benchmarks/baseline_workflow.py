"""The bare Temporal minimum of a case's shape, for benchmarks/throughput.py: three
activities and the caseworkers' six messages, nothing of ours. A module of its own because
Temporal's sandbox imports a workflow's module afresh for every run: it must hold nothing
but the workflow, as workflows/application.py does."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow

MESSAGES = 6  # forward, three votes, decision, the chairman's signature on the result
TIMEOUT = timedelta(minutes=1)


@activity.defn(name="baseline_step")
def baseline_step(what: str) -> str:
    return what


@workflow.defn(name="BaselineCase")
class BaselineCase:
    """Registers, waits for the decision's five messages, issues, waits for the signature,
    delivers."""

    def __init__(self) -> None:
        self.messages = 0

    @workflow.run
    async def run(self, case_id: str) -> int:
        await workflow.execute_activity(baseline_step, "register", start_to_close_timeout=TIMEOUT)
        await workflow.wait_condition(lambda: self.messages >= MESSAGES - 1)
        await workflow.execute_activity(baseline_step, "issue", start_to_close_timeout=TIMEOUT)
        await workflow.wait_condition(lambda: self.messages >= MESSAGES)
        await workflow.execute_activity(baseline_step, "deliver", start_to_close_timeout=TIMEOUT)
        return self.messages

    @workflow.update(name="act")
    def act(self, what: str) -> int:
        self.messages += 1
        return self.messages

    @workflow.signal(name="act")
    def act_signal(self, what: str) -> None:
        self.messages += 1


@workflow.defn(name="TimerProbe")
class TimerProbe:
    """How late a timer fires: seconds between its due time and the workflow task that
    follows it."""

    @workflow.run
    async def run(self, seconds: float) -> float:
        due = workflow.now() + timedelta(seconds=seconds)
        await workflow.sleep(seconds)
        return (workflow.now() - due).total_seconds()
