"""The codec server: lets the Temporal UI show encrypted payloads to people who hold its
token, and nobody else.

    python -m codec.server          (scripts/up starts it; settings from the environment)

It speaks Temporal's remote codec protocol: POST .../encode and .../decode with a JSON
body {"payloads": [...]} (protobuf JSON, bytes in base64); only the last part of the path
names the operation. The token comes either as `Authorization: Bearer <token>` or as the
path before the operation, `/<token>/decode`: the UI sends a bearer token only over https
and only from a login, so on a development server the token rides in the endpoint URL a
supervisor types into the UI's codec settings (see docs/supervisors.md).

Without the token the answer is 401 in plain text; the UI then shows the payloads still
encrypted. Bodies are bounded (4 MiB, 10,000 payloads), and so are answers (64 MiB of
decoded payloads), connections at once (64) and the time a request may take to arrive
(60 s, however slowly it trickles in); the token never reaches the log."""

from __future__ import annotations

import hmac
import json
import os
import secrets
import signal
import socket
import sys
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import structlog
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from codec.errors import CodecError, KeysUnavailable
from codec.keys import KeyFile, KeySource
from codec.payloads import decrypt, encrypt, is_encrypted

MAX_BODY = 4 * 1024 * 1024
MAX_PAYLOADS = 10_000
MAX_ANSWER = 64 * 1024 * 1024

log = structlog.get_logger("shaqyru.codec")


class CodecServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        keys: KeySource,
        token: str,
        origins: Iterable[str],
        connections: int = 64,
        deadline: float = 60.0,
    ) -> None:
        if len(token) < 16:
            raise ValueError("the codec server's token must be at least 16 characters")
        self.keys, self.token, self.origins = keys, token.encode(), frozenset(origins)
        # A thread per connection, and none is asked for the token before its headers are
        # in: without these, anyone who can reach the port holds threads at will.
        self.slots, self.deadline = threading.BoundedSemaphore(connections), deadline
        super().__init__(address, _Handler)

    def process_request(self, request, client_address) -> None:
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)  # full: closed unread
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request, client_address) -> None:
        # A client that left, or one cut at its deadline, is no fault of ours: the stdlib
        # would print a traceback to stderr for each.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        assert isinstance(host, str)  # an AF_INET server: only AF_UNIX ones have bytes
        return f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: CodecServer
    server_version = "shaqyru-codec"
    sys_version = ""
    timeout = 30  # seconds between two reads; `CodecServer.deadline` bounds the whole
    _expired = False

    def setup(self) -> None:
        super().setup()
        # A client that sends a byte every few seconds never trips the read timeout.
        self._cutoff = threading.Timer(self.server.deadline, self._cut)
        self._cutoff.daemon = True
        self._cutoff.start()

    def _cut(self) -> None:
        self._expired = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed

    def finish(self) -> None:
        self._cutoff.cancel()
        super().finish()

    def parse_request(self) -> bool:
        # Once cut, the headers end wherever the cut fell: that is no request to answer.
        return super().parse_request() and not self._expired

    def do_OPTIONS(self) -> None:  # noqa: N802 - the stdlib's naming
        # A browser's preflight carries no credentials: answer it for allowed origins only.
        self._send(204 if self._origin_allowed() else 403, b"", "text/plain")

    def do_POST(self) -> None:  # noqa: N802
        parts = [p for p in urlsplit(self.path).path.split("/") if p]
        operation = parts[-1] if parts else ""
        if operation not in ("encode", "decode"):
            return self._text(404, "POST .../encode or .../decode")
        if not self._authorized(parts[:-1]):
            return self._text(401, "the codec server's token is required", bearer=True)
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self._text(411, "Content-Length required")
        if not 0 <= length <= MAX_BODY:
            return self._text(413, f"at most {MAX_BODY} bytes")
        try:
            payloads = _parse(self.rfile.read(length))
        except ValueError as bad:
            return self._text(400, f"not a Payloads JSON body: {bad}")
        try:
            done = self._encode(payloads) if operation == "encode" else self._decode(payloads)
        except KeysUnavailable as e:
            log.error("no key ring", error=str(e))
            return self._text(503, "the codec server has no usable key ring")
        except _TooMuch:
            return self._text(413, f"the answer would exceed {MAX_ANSWER} bytes")
        # {"payloads": []} even when empty: protobuf's JSON would leave the key out.
        items = json_format.MessageToDict(Payloads(payloads=done)).get("payloads", [])
        self._send(200, json.dumps({"payloads": items}).encode(), "application/json")

    def _encode(self, payloads: list[Payload]) -> list[Payload]:
        ring = self.server.keys.ring()
        return [encrypt(p, ring) for p in payloads]

    def _decode(self, payloads: list[Payload]) -> list[Payload]:
        out, size = [], 0
        for p in payloads:
            if is_encrypted(p):
                try:
                    p = decrypt(p, self.server.keys.ring())
                except KeysUnavailable:
                    raise
                except CodecError as e:
                    # One payload under a lost or foreign key must not hide all the others.
                    log.warning("payload left encrypted", error=str(e))
            # A body within bounds may still inflate a thousandfold: the answer is bounded.
            size += p.ByteSize()
            if size > MAX_ANSWER:
                raise _TooMuch
            out.append(p)
        return out

    def _authorized(self, prefix: list[str]) -> bool:
        header = self.headers.get("Authorization", "")
        # In the path, the segment just before the operation: a proxy may mount us deeper.
        given = header[7:].strip() if header[:7].lower() == "bearer " else "/".join(prefix[-1:])
        return hmac.compare_digest(given.encode(), self.server.token)

    def _origin_allowed(self) -> bool:
        return self.headers.get("Origin") in self.server.origins

    def _text(self, status: int, message: str, bearer: bool = False) -> None:
        # Plain text, never JSON: the UI takes any JSON answer for decoded payloads.
        headers = {"WWW-Authenticate": 'Bearer realm="shaqyru-codec"'} if bearer else {}
        self._send(status, (message + "\n").encode(), "text/plain; charset=utf-8", headers)

    def _send(
        self, status: int, body: bytes, media_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        if self._origin_allowed():
            self.send_header("Access-Control-Allow-Origin", self.headers["Origin"])
            self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
            self.send_header(
                "Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization"
            )
            self.send_header("Access-Control-Allow-Credentials", "true")
            self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Vary", "Origin")
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the stdlib's line holds the path, and the path may hold the token

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Only the operations by name: `GET /<token>` (the endpoint pasted into a browser)
        # ends in the token itself. A malformed request line is answered (400) before the
        # stdlib has set a path.
        parts = [p for p in urlsplit(getattr(self, "path", "")).path.split("/") if p]
        operation = parts[-1] if parts and parts[-1] in ("encode", "decode") else "other"
        # The stdlib's own errors pass an HTTPStatus, which would log as its repr.
        status = int(code) if isinstance(code, int) else code
        log.info("request", method=self.command, operation=operation, status=status)


class _TooMuch(Exception):
    pass


def _parse(body: bytes) -> list[Payload]:
    try:
        data = json.loads(body)
    except RecursionError:
        raise ValueError("nested too deep") from None
    # Proto JSON leaves an empty list out: the Temporal CLI encodes a query without
    # arguments as `{}`.
    if not isinstance(data, dict) or not isinstance(data.get("payloads", []), list):
        raise ValueError('expected {"payloads": [...]}')
    data.setdefault("payloads", [])
    if len(data["payloads"]) > MAX_PAYLOADS:
        raise ValueError(f"more than {MAX_PAYLOADS} payloads")
    message = Payloads()
    try:
        json_format.ParseDict({"payloads": data["payloads"]}, message)
    except (json_format.ParseError, RecursionError) as bad:
        raise ValueError(str(bad)) from None
    return list(message.payloads)


def ensure_token(path: Path) -> str:
    """The server's token, made (0600) on the first start and read on every later one."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            raise KeysUnavailable(f"codec token {path} is open to others; chmod 600 it") from None
        token = path.read_text(encoding="utf-8").strip()
        if len(token) < 16:
            raise KeysUnavailable(f"codec token {path} is shorter than 16 characters") from None
        return token
    token = secrets.token_urlsafe(32)  # URL-safe: it may stand in the endpoint's path
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(token + "\n")
    return token


def main() -> None:
    import settings as config

    cfg = config.load()
    keys = KeyFile(cfg.keyring_file)
    keys.ring()  # no ring, no server: fail at start, not on the first request
    cfg.codec_token_file.parent.mkdir(parents=True, exist_ok=True)
    token = ensure_token(cfg.codec_token_file)
    host, _, port = cfg.codec_address.rpartition(":")
    server = CodecServer((host or "127.0.0.1", int(port)), keys, token, cfg.codec_origins)
    # serve_forever blocks this thread; shutdown() must come from another one.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: threading.Thread(target=server.shutdown).start())
    log.info(
        "codec server started",
        url=server.url,
        origins=sorted(server.origins),
        token_file=str(cfg.codec_token_file),
    )
    with server:
        server.serve_forever()
    log.info("codec server stopped")


if __name__ == "__main__":
    try:
        main()
    except KeysUnavailable as e:
        import sys

        print(f"codec server: {e}", file=sys.stderr)
        raise SystemExit(2) from None
