"""A real HTTP addressee for the delivery tests: a personal cabinet or a military body
that can be made to fail, to lose its answer, or to hang, over loopback.

It keeps documents by Idempotency-Key the way SPEC 4.5's addressees are expected to: a
repeat with a key it already holds is absorbed and answered with the first reference,
so a test can count what the addressee really holds, not what was sent."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Post:
    """One request as the addressee saw it, and what it answered (None: no answer)."""

    key: str | None
    status: int | None


class Addressee:
    """Fails the first `fail_first` POSTs with 503; after that stores the document and
    answers, except that the first `lose_first` stored answers come back as 500 (the
    document is kept: the answer is what gets lost). With `hold_first` the first POST
    that gets stored is kept open until `release()` and then dropped unanswered, as a
    worker that died mid-request would leave it."""

    def __init__(
        self, name: str, fail_first: int = 0, lose_first: int = 0, hold_first: bool = False
    ) -> None:
        self.name = name
        self.fail_first = fail_first
        self.lose_first = lose_first
        self.hold_first = hold_first
        self.documents: dict[str, dict[str, Any]] = {}
        self.references: dict[str, str] = {}
        self.posts: list[Post] = []
        self.arrived = threading.Event()
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        # Daemon threads: a request still held when a test fails must not hang the run.
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/{self.name}"

    def held(self) -> int:
        with self._lock:
            return len(self.documents)

    def keys(self) -> set[str | None]:
        with self._lock:
            return {p.key for p in self.posts}

    def accept_from_now(self) -> None:
        with self._lock:
            self.fail_first = 0

    def release(self) -> None:
        self._released.set()

    def __enter__(self) -> Addressee:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # ---- the server side --------------------------------------------------------------

    def _receive(self, key: str | None, body: dict[str, Any]) -> tuple[int | None, str | None]:
        """Decide the answer under the lock; (None, None) means hold, then drop."""
        with self._lock:
            attempt = len(self.posts) + 1
            if attempt <= self.fail_first or key is None:
                status = 503 if key else 400
                self.posts.append(Post(key, status))
                return status, None
            repeat = key in self.documents
            if not repeat:
                self.documents[key] = body
                self.references[key] = f"{self.name}/{len(self.documents)}"
            reference = self.references[key]
            stored_answers = sum(1 for p in self.posts if p.status not in (400, 503))
            if self.hold_first and stored_answers == 0:
                self.posts.append(Post(key, None))
                return None, reference
            status = 500 if stored_answers < self.lose_first else (200 if repeat else 201)
            self.posts.append(Post(key, status))
            return status, reference

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        addressee = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the name http.server dispatches to)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                status, reference = addressee._receive(self.headers.get("Idempotency-Key"), body)
                if status is None:
                    addressee.arrived.set()
                    addressee._released.wait(timeout=30)
                    # No answer at all: the client sees the connection close, as the
                    # answer to a worker that died would never be read.
                    self.close_connection = True
                    return
                answer = json.dumps({"reference": reference}).encode()
                self.send_response(status)
                if reference and status < 300:
                    self.send_header("Location", reference)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
