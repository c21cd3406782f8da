"""Addressees that misbehave: the personal cabinet and the military body fail, hang,
trickle or are down while every case tries to deliver, and then recover. Each case must
be delivered once they do, and no addressee may get two different contents under one
idempotency key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from faults.cases import Drive, count_rows, until_true
from faults.stack import Stack

WAIT_FOR_RETRIES = 240.0  # seconds; a trickled attempt alone takes the 60 s timeout


def outage(mode: str) -> Callable[[Stack, Drive], Awaitable[None]]:
    async def scenario(stack: Stack, drive: Drive) -> None:
        stack.switch(mode)
        pairs = 2 * len(drive.cases)

        def every_delivery_retried() -> bool:
            # The outbox row is made and counted before each attempt's POST.
            return count_rows(stack, "SELECT count(*) FROM outbox WHERE attempts >= 2") >= pairs

        async def fault() -> None:
            if not await until_true(every_delivery_retried, WAIT_FOR_RETRIES):
                retried = count_rows(stack, "SELECT count(*) FROM outbox WHERE attempts >= 2")
                stack.notes.append(f"{retried} of {pairs} deliveries were retried in the outage")
            stack.switch("accept")

        await drive.run(fault)

    scenario.__doc__ = f"Both endpoints '{mode}' until every delivery was tried twice."
    return scenario
