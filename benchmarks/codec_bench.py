"""What encryption costs: `python benchmarks/codec_bench.py`.

Every payload a worker or client sends or reads passes the codec, the case's status most
often (each query, each update's answer, the result): encoding and decoding one status
payload together should take well under a millisecond (target < 1 ms)."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from temporalio.api.common.v1 import Payload
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter

import codec
from models.case import CaseStatus
from settings import ROOT

TARGET_US = 1000.0


def status_payload() -> Payload:
    """The status of a whole granted case, as a recorded history holds it."""
    path = ROOT / "tests" / "histories" / "deferral-granted.json"
    history = WorkflowHistory.from_json("bench", path.read_text(encoding="utf-8"))
    done = history.events[-1].workflow_execution_completed_event_attributes
    return done.result.payloads[0]


async def _time(name: str, n: int, fn: Callable[[], Awaitable[object]]) -> float:
    for _ in range(min(n, 200)):  # warm up: cipher objects, caches
        await fn()
    began = time.perf_counter()
    for _ in range(n):
        await fn()
    us = (time.perf_counter() - began) / n * 1e6
    print(f"{name:<44} {us:9.1f} us/call")
    return us


async def main() -> None:
    n = 5_000
    plain = status_payload()
    with tempfile.TemporaryDirectory() as tmp:
        keys = codec.KeyFile(Path(tmp) / "keyring.json")
        keys.create()
        c = codec.EncryptionCodec(keys)
        sealed = (await c.encode([plain]))[0]
        print(
            f"status payload: {len(plain.data):,} bytes of JSON; encrypted payload "
            f"{sealed.ByteSize():,} bytes (compressed first)"
        )

        async def round_trip() -> object:
            return await c.decode(await c.encode([plain]))

        us = await _time("codec encode + decode, one status", n, round_trip)
        await _time("codec encode alone", n, lambda: c.encode([plain]))
        await _time("codec decode alone", n, lambda: c.decode([sealed]))
        await _time("decode of a plain payload (pass-through)", n, lambda: c.decode([plain]))

        status = (await pydantic_data_converter.decode([plain], [CaseStatus]))[0]
        full = codec.data_converter(keys)

        async def converter_round_trip() -> object:
            return await full.decode(await full.encode([status]), [CaseStatus])

        async def pydantic_round_trip() -> object:
            return await pydantic_data_converter.decode(
                await pydantic_data_converter.encode([status]), [CaseStatus]
            )

        await _time("converter round trip, pydantic + codec", n // 5, converter_round_trip)
        await _time("converter round trip, pydantic alone", n // 5, pydantic_round_trip)
    verdict = "met" if us < TARGET_US else "MISSED"
    print(f"target: encode + decode of one status < {TARGET_US:.0f} us: {verdict}")


if __name__ == "__main__":
    asyncio.run(main())
