"""A stand-in for the e-government gateway, for development and tests: it answers
`activities.gateway`'s requests from records made for the example applications
(`examples/*.json`, which `shaqyru sample` dates afresh), over plain HTTP on loopback.

    python -m activities.gateway_standin [--port 8235] [--differ-birth IIN]

then `SHAQYRU_GATEWAY_URL=http://127.0.0.1:8235/records`. `--differ-birth` moves one
person's recorded birth date a day off the one in his IIN, so that the case shows the
`records.birth_date` finding. An IIN it has no record of is answered as unknown.

Standard library only: it is a stand-in, not a service."""

from __future__ import annotations

import argparse
import json
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from rules.iin import check_iin

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
REQUEST_LIMIT = 4096
"""A request is an IIN and a few kinds of record; nothing bigger is read."""

# The family records behind the family grounds of the examples: deferral-4-married says
# "married, with a two-year-old son".
FAMILY: dict[str, dict[str, list[dict[str, Any]]]] = {
    "011103544118": {
        "marriages": [{"registered_on": "2022-08-13", "dissolved_on": None}],
        "child_births": [{"birth_date": "2024-05-02"}],
        "spouse_deaths": [],
    },
}


def sample_records(examples: Path = EXAMPLES) -> dict[str, dict[str, Any]]:
    """An answer for the IIN of every example that has a readable IIN: the identity as
    the example gives it, and the family records of FAMILY."""
    records: dict[str, dict[str, Any]] = {}
    for path in sorted(examples.glob("*.json")):
        try:
            applicant = json.loads(path.read_text(encoding="utf-8"))["applicant"]
            iin = check_iin(applicant["iin"])
        except (ValueError, KeyError, TypeError):
            continue
        if not iin.valid or iin.iin in records:
            continue
        family = FAMILY.get(iin.iin, {})
        records[iin.iin] = {
            "iin": iin.iin,
            "identity": {
                "iin": iin.iin,
                "surname": applicant["surname"],
                "name": applicant["name"],
                "patronymic": applicant.get("patronymic"),
                "birth_date": iin.birth_date.isoformat() if iin.birth_date else None,
                "sex": iin.sex.value if iin.sex else None,
            },
            "child_births": family.get("child_births", []),
            "marriages": family.get("marriages", []),
            "spouse_deaths": family.get("spouse_deaths", []),
        }
    return records


class GatewayStandin:
    """The gateway on 127.0.0.1 (port 0: any free one), in a thread of its own."""

    def __init__(
        self, records: dict[str, dict[str, Any]] | None = None, port: int = 0, path: str = "records"
    ) -> None:
        self.records = sample_records() if records is None else records
        self.requests: list[tuple[str | None, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._path = "/" + path.strip("/")
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        # A short poll: shutdown() waits for it, and tests start and stop many of these.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        assert isinstance(host, str)  # an AF_INET server: only AF_UNIX ones have bytes
        return f"http://{host}:{port}{self._path}"

    def differ_birth_date(self, iin: str, days: int = 1) -> None:
        """Moves the recorded birth date `days` off the one the IIN gives."""
        with self._lock:
            identity = self.records[iin]["identity"]
            born = date.fromisoformat(identity["birth_date"]) + timedelta(days=days)
            identity["birth_date"] = born.isoformat()

    def answer(self, iin: str, kinds: list[str]) -> tuple[int, bytes]:
        """The status and body for a request about `iin`; overridden by the test double
        to misbehave."""
        with self._lock:
            found = self.records.get(iin)
            body = json.loads(json.dumps(found)) if found else {"iin": iin, "identity": None}
        return 200, json.dumps(body, ensure_ascii=False).encode()

    def __enter__(self) -> GatewayStandin:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the name http.server dispatches to)
                length = self.headers.get("Content-Length", "")
                if self.path != standin._path or not length.isdigit():
                    return self._reply(404 if self.path != standin._path else 411, b"{}")
                if int(length) > REQUEST_LIMIT:
                    return self._reply(413, b"{}")
                try:
                    request = json.loads(self.rfile.read(int(length)))
                    iin, kinds = str(request["iin"]), [str(k) for k in request["records"]]
                except (ValueError, KeyError, TypeError):
                    return self._reply(400, b"{}")
                with standin._lock:
                    standin.requests.append((self.headers.get("Idempotency-Key"), request))
                self._reply(*standin.answer(iin, kinds))

            def _reply(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # an access log would print IINs

        return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m activities.gateway_standin")
    parser.add_argument("--port", type=int, default=8235)
    parser.add_argument("--differ-birth", metavar="IIN", action="append", default=[],
                        help="record this person's birth date a day off his IIN's")  # fmt: skip
    args = parser.parse_args(argv)
    standin = GatewayStandin(port=args.port)
    for iin in args.differ_birth:
        standin.differ_birth_date(iin)
    print(f"gateway stand-in: {standin.url} ({len(standin.records)} people)", flush=True)
    try:
        standin._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        standin._server.server_close()


if __name__ == "__main__":
    main()
