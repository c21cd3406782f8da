"""A real HTTP addressee for the delivery tests: a personal cabinet or a military body
that can be made to fail, to lose its answer, to hang, or to answer one byte at a time,
over loopback.

It keeps documents by Idempotency-Key the way SPEC 4.5's addressees are expected to: a
repeat with a key it already holds is absorbed and answered with the first reference,
so a test can count what the addressee really holds, not what was sent."""

from __future__ import annotations

import itertools
import json
import select
import socket
import threading
import time
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
    worker that died mid-request would leave it.

    With `hang` every POST is kept open unanswered until `release()`. With `trickle` every
    POST is answered one byte every `trickle` seconds, for ever, until the client hangs
    up; `hung_up` holds how long each such exchange lasted. With `junk` the 503 answers
    come with a body that never ends. With `marks_apart` (the default) an acceptance mark
    is taken at once and kept in `notices`, out of every count above. With `answer_with`
    (a Location, or None for none, and a body) every acceptance is answered with those
    instead of the addressee's own reference."""

    def __init__(
        self,
        name: str,
        fail_first: int = 0,
        lose_first: int = 0,
        hold_first: bool = False,
        hang: bool = False,
        trickle: float | None = None,
        junk: bool = False,
        marks_apart: bool = True,
        answer_with: tuple[str | None, bytes] | None = None,
    ) -> None:
        self.name = name
        self.answer_with = answer_with
        self.marks_apart = marks_apart
        self.fail_first = fail_first
        self.lose_first = lose_first
        self.hold_first = hold_first
        self.hang = hang
        self.trickle = trickle
        self.junk = junk
        self.hung_up: list[float] = []
        self.dropped = threading.Event()
        self.documents: dict[str, dict[str, Any]] = {}
        self.notices: dict[str, dict[str, Any]] = {}
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

    def _hold(self, key: str | None) -> None:
        with self._lock:
            self.posts.append(Post(key, None))
        self.arrived.set()
        self._released.wait(timeout=60)

    def _trickle(self, conn: socket.socket, key: str | None) -> None:
        """Answers a byte at a time for as long as the client listens: each byte comes
        well inside any per-read timeout, and the answer never ends."""
        with self._lock:
            self.posts.append(Post(key, None))
        self.arrived.set()
        opened = time.monotonic()
        head = b"HTTP/1.1 201 Created\r\nLocation: never\r\nContent-Length: 1000000000\r\n\r\n"
        for byte in itertools.chain(head, itertools.repeat(ord("x"))):
            # The wait is the slow addressee's pace; a readable socket means the client
            # hung up (it has nothing more to send).
            readable, _, _ = select.select([conn], [], [], self.trickle)
            if self._released.is_set():
                return
            if readable:
                break
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                break
        with self._lock:
            self.hung_up.append(time.monotonic() - opened)
        self.dropped.set()

    def _junk(self, handler: BaseHTTPRequestHandler, status: int) -> None:
        """A failure whose body does not end: only a client that stops reading gets on."""
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        chunk = b"<html><body>Service\tUnavailable\r\n" + b"x" * 65536
        try:
            while not self._released.is_set():
                handler.wfile.write(chunk)
        except OSError:
            self.dropped.set()

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
                key = self.headers.get("Idempotency-Key")
                if addressee.marks_apart and key is not None and key.endswith(":acceptance"):
                    # The acceptance mark reaches the cabinet too; it is taken at once and
                    # kept apart, so that what the result's tests count stays theirs.
                    with addressee._lock:
                        addressee.notices[key] = body
                    self.send_response(201)
                    self.send_header("Location", f"{addressee.name}/notice")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if addressee.trickle:
                    addressee._trickle(self.connection, key)
                    self.close_connection = True
                    return
                if addressee.hang:
                    addressee._hold(key)
                    self.close_connection = True
                    return
                status, reference = addressee._receive(key, body)
                if status is None:
                    addressee.arrived.set()
                    addressee._released.wait(timeout=30)
                    # No answer at all: the client sees the connection close, as the
                    # answer to a worker that died would never be read.
                    self.close_connection = True
                    return
                if addressee.junk and status >= 500:
                    addressee._junk(self, status)
                    return
                answer = json.dumps({"reference": reference}).encode()
                location = reference if status < 300 else None
                if addressee.answer_with is not None and status < 300:
                    location, answer = addressee.answer_with
                self.send_response(status)
                if location is not None:
                    self.send_header("Location", location)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
