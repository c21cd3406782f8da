"""A gateway over real HTTP on loopback that can also misbehave, for the gateway tests:
the development stand-in (`activities.gateway_standin`) with faults a real gateway may
show. Reusable wherever a test needs state records."""

from __future__ import annotations

import threading
from typing import Any

from activities.gateway_standin import GatewayStandin, sample_records


class Gateway(GatewayStandin):
    """`hang`: every answer is held until `release()` (the client's deadline ends it).
    `status`: answer with this HTTP status. `answer_with`: send these bytes as the body,
    whatever was asked (malformed or oversized answers)."""

    def __init__(
        self,
        records: dict[str, dict[str, Any]] | None = None,
        hang: bool = False,
        status: int = 200,
        answer_with: bytes | None = None,
    ) -> None:
        super().__init__(sample_records() if records is None else records)
        self.hang = hang
        self.status = status
        self.answer_with = answer_with
        self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    def answer(self, iin: str, kinds: list[str]) -> tuple[int, bytes]:
        if self.hang:
            self._released.wait(timeout=30)
        if self.answer_with is not None:
            return self.status, self.answer_with
        status, body = super().answer(iin, kinds)
        return (self.status, body) if self.status != 200 else (status, body)

    def close(self) -> None:
        self._released.set()  # a held answer must not keep the server from stopping
        super().close()

    def bodies(self) -> list[dict[str, Any]]:
        return [body for _, body in self.requests]
