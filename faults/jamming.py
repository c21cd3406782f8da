"""Jamming payloads: signals that no caseworker's command line would send, sent with the
real `temporal` command as anyone with access to the namespace could. A case that
receives them must refuse or drop each one and still go on to complete normally.

Shared by the fault suite and by the CI's fast subset (tests/test_faults_fast.py)."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from faults.cases import Case, Drive, until_true
from faults.stack import Stack
from workflows.application import workflow_id

TEMPORAL = str(Path(sys.executable).parent / "temporal")
CLI_AT_MOST = 60.0  # seconds for one `temporal workflow signal`
BUSY_TRIES = 5
JAMMING_AT_MOST = 600.0  # seconds to jam every case of a scenario


def _forward(actor: str) -> bytes:
    return json.dumps({"actor": actor}).encode()


@dataclass(frozen=True)
class Jam:
    name: str
    inputs: tuple[bytes, ...]  # one --input-file each; none at all for "no-input"
    times: int = 1


JAMS: tuple[Jam, ...] = (
    Jam("no-input", ()),
    # From a member, so that even a handler that read only the first value would refuse it.
    Jam("two-inputs", (_forward("esil-m1"), _forward("esil-m1"))),
    Jam("wrong-type", (b"42",)),
    Jam("huge-actor", (_forward("x" * 1_000_000),)),
    Jam("refused-100kb-x25", (_forward("y" * 100_000),), times=25),
)


@dataclass(frozen=True)
class Sent:
    jam: str
    code: int
    err: str


async def signal(address: str, namespace: str, workflow_id: str, jam: Jam, tmp: Path) -> list[Sent]:
    """Send `jam` to the case `jam.times` times, one `temporal workflow signal` each.

    Inputs go through files: one command-line argument may hold only 128 KiB on Linux."""
    tmp.mkdir(parents=True, exist_ok=True)
    files: list[str] = []
    for i, data in enumerate(jam.inputs):
        path = tmp / f"{jam.name}-{i}.json"
        path.write_bytes(data)
        files += ["--input-file", str(path)]
    command = [TEMPORAL, "workflow", "signal", "--address", address, "--namespace", namespace]
    command += ["--workflow-id", workflow_id, "--name", "forward", *files]
    return [await _send(jam.name, command) for _ in range(jam.times)]


async def _send(name: str, command: list[str]) -> Sent:
    # The server turns a signal away while the case's previous ones are being written
    # ("Workflow is busy"); a sender tries again, and so does this one, a few times.
    for _ in range(BUSY_TRIES):
        proc = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        try:
            _, err = await asyncio.wait_for(proc.communicate(), timeout=CLI_AT_MOST)
        except TimeoutError:
            proc.kill()
            _, err = await proc.communicate()
        text = err.decode(errors="replace")[-300:]
        if proc.returncode == 0 or "busy" not in text:
            break
        await asyncio.sleep(1.0)
    return Sent(name, proc.returncode or 0, text)


async def jam_all(address: str, namespace: str, workflow_id: str, tmp: Path) -> list[Sent]:
    sent: list[Sent] = []
    for jam in JAMS:
        sent += await signal(address, namespace, workflow_id, jam, tmp)
    return sent


async def scenario(stack: Stack, drive: Drive) -> None:
    """Every case is jammed at its forward step, then driven on as usual."""
    jammed: list[Case] = []

    async def jam(case: Case) -> None:
        sent = await jam_all(
            stack.address, "default", workflow_id(case.app_id), stack.dir / "jams" / case.app_id
        )
        for s in sent:
            if s.code != 0:
                stack.notes.append(f"{case.app_id}: `temporal` refused {s.jam}: {s.err.strip()}")
        jammed.append(case)

    async def jamming() -> None:
        # The jamming is this scenario's fault: the cases' bound runs from its end.
        if not await until_true(lambda: len(jammed) == len(drive.cases), JAMMING_AT_MOST):
            stack.notes.append(f"only {len(jammed)} of {len(drive.cases)} cases were jammed")
        stack.say(f"{len(jammed)} cases jammed")

    drive.before_forward = jam
    await drive.run(jamming)
