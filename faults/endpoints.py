"""A stand-in for the personal cabinet or the military administration body: a local HTTP
endpoint whose behaviour the suite switches while cases are being delivered.

    accept   201 Created with a Location, the same one for the same idempotency key
    fail     503 Service Unavailable
    hang     reads the request and never answers (until the mode changes)
    trickle  answers 201, but one byte a second
    down     nothing listens on the port: connection refused

Every request whose body was read is kept, so that the census can tell whether one
idempotency key ever came with two different contents."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("accept", "fail", "hang", "trickle", "down")
HANG_AT_MOST = 600.0  # seconds; a hung request ends by itself even if nobody recovers it


@dataclass(frozen=True)
class Receipt:
    key: str
    body_sha256: str
    application_id: str | None
    registration_number: str | None
    pdf_sha256: str | None
    mode: str


class Endpoint:
    def __init__(self, name: str, port: int) -> None:
        self.name, self.port = name, port
        self.mode = "accept"
        self.receipts: list[Receipt] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()  # set to release hung requests
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._listeners: list = []  # callables told of every receipt

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.name}"

    def start(self) -> None:
        self._listen()

    def stop(self) -> None:
        self._wake.set()
        self._close()

    def switch(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
        if mode == "down":
            self._close()
        elif self._server is None:
            self._listen()
        # Requests hung in the old mode give up now; a fresh event serves the new mode.
        old, self._wake = self._wake, threading.Event()
        self.mode = mode
        old.set()

    def on_receipt(self, listener) -> None:
        self._listeners.append(listener)

    def by_key(self) -> dict[str, list[Receipt]]:
        with self._lock:
            out: dict[str, list[Receipt]] = {}
            for r in self.receipts:
                out.setdefault(r.key, []).append(r)
            return out

    # ---- the server ----------------------------------------------------------------

    def _listen(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        server.daemon_threads = True  # hung and trickling requests never hold the exit
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        )
        self._thread.start()

    def _close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _keep(self, key: str, body: bytes) -> str:
        mode = self.mode
        app = number = pdf = None
        try:
            data = json.loads(body)
            app, number = data.get("application_id"), data.get("registration_number")
            if data.get("pdf_base64"):
                pdf = hashlib.sha256(base64.b64decode(data["pdf_base64"])).hexdigest()
        except (ValueError, TypeError, AttributeError):
            pass  # kept all the same: the body's hash is what counts
        receipt = Receipt(key, hashlib.sha256(body).hexdigest(), app, number, pdf, mode)
        with self._lock:
            self.receipts.append(receipt)
        for listener in self._listeners:
            listener(receipt)
        return mode


def _handler(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # the suite prints its own table
            pass

        def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            key = self.headers.get("Idempotency-Key") or ""
            wake = endpoint._wake
            mode = endpoint._keep(key, body)
            location = "/deliveries/" + hashlib.sha256(key.encode()).hexdigest()[:16]
            if mode == "accept":
                self._answer(201, location)
            elif mode == "fail":
                self._answer(503, None)
            elif mode == "hang":
                # Never answer; the connection closes when the mode changes or at the end.
                wake.wait(HANG_AT_MOST)
                self.close_connection = True
            elif mode == "trickle":
                self._trickle(location)

        def _answer(self, code: int, location: str | None) -> None:
            self.send_response(code)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _trickle(self, location: str) -> None:
            head = (
                f"HTTP/1.1 201 Created\r\nLocation: {location}\r\n"
                "Content-Length: 0\r\nConnection: close\r\n\r\n"
            ).encode()
            for i in range(len(head)):  # bounded: one pass over a short answer
                try:
                    self.wfile.write(head[i : i + 1])
                    self.wfile.flush()
                except OSError:
                    break  # the worker gave up on us
                time.sleep(1.0)
            self.close_connection = True

    return Handler
