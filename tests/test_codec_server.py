"""The codec server over real HTTP on the loopback: the Temporal UI's protocol, its token,
its CORS answers and its bounds."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

import codec
from codec.payloads import ENCODING, MAX_UNPACKED, EncryptionCodec, decrypt, encrypt
from codec.server import MAX_BODY, CodecServer, ensure_token

TOKEN = "t0ken-for-the-tests-only-0123456789"
UI = "http://localhost:8233"
SECRET = "Серікбаев, 990517300123".encode()


def serving(srv: CodecServer) -> Iterator[CodecServer]:
    # A short poll: shutdown() waits for the loop to look up.
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join()


@pytest.fixture
def server(keyring) -> Iterator[CodecServer]:
    yield from serving(CodecServer(("127.0.0.1", 0), keyring, TOKEN, [UI]))


def plain() -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=b'{"surname": "' + SECRET + b'"}')


def body(*payloads: Payload) -> str:
    return json_format.MessageToJson(Payloads(payloads=payloads))


def payloads_of(response: httpx.Response) -> list[Payload]:
    return list(json_format.Parse(response.text, Payloads()).payloads)


def post(server: CodecServer, path: str, content: str, **headers: str) -> httpx.Response:
    return httpx.post(f"{server.url}{path}", content=content, headers=headers, timeout=10)


def test_decode_needs_the_token(server, keyring):
    sealed = encrypt(plain(), keyring.ring())
    for headers in ({}, {"Authorization": "Bearer wrong-token-of-some-length"}):
        r = post(server, "/decode", body(sealed), **headers)
        assert r.status_code == 401
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
        # Not JSON: the UI would take a JSON answer for the decoded payloads.
        assert r.headers["Content-Type"].startswith("text/plain")
        with pytest.raises(ValueError):
            json.loads(r.text)
        assert SECRET not in r.content


def test_decode_with_a_bearer_token_or_the_token_in_the_path(server, keyring):
    sealed = encrypt(plain(), keyring.ring())
    by_header = post(server, "/decode", body(sealed), Authorization=f"Bearer {TOKEN}")
    by_path = post(server, f"/{TOKEN}/decode", body(sealed))
    deeper = post(server, f"/codec/{TOKEN}/decode", body(sealed))
    for r in (by_header, by_path, deeper):
        assert r.status_code == 200, r.text
        assert payloads_of(r) == [plain()]
    # The UI's own wire form: base64 in metadata and data.
    raw = json.loads(by_header.text)["payloads"][0]
    assert base64.b64decode(raw["data"]) == plain().data


def test_an_empty_list_answers_an_empty_list(server):
    r = post(server, f"/{TOKEN}/decode", '{"payloads": []}')
    assert r.status_code == 200 and r.json() == {"payloads": []}


def test_encode_then_decode_and_plain_payloads_pass(server):
    encoded = payloads_of(post(server, f"/{TOKEN}/encode", body(plain())))
    assert encoded[0].metadata["encoding"] == ENCODING and SECRET not in encoded[0].data
    decoded = payloads_of(post(server, f"/{TOKEN}/decode", body(encoded[0], plain())))
    assert decoded == [plain(), plain()]


def test_a_payload_under_an_unknown_key_stays_encrypted_alone(server, keyring):
    foreign = encrypt(plain(), codec.KeyRing.generate())
    ours = encrypt(plain(), keyring.ring())
    decoded = payloads_of(post(server, f"/{TOKEN}/decode", body(foreign, ours)))
    assert decoded == [foreign, plain()]


def test_cors_for_the_ui_origin_only(server):
    pre = httpx.options(
        f"{server.url}/decode",
        headers={
            "Origin": UI,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-namespace,authorization",
        },
    )
    assert pre.status_code == 204
    assert pre.headers["Access-Control-Allow-Origin"] == UI
    allowed = {h.strip().lower() for h in pre.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "x-namespace", "authorization"} <= allowed
    evil = httpx.options(f"{server.url}/decode", headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403 and "Access-Control-Allow-Origin" not in evil.headers
    r = post(server, f"/{TOKEN}/decode", body(plain()), Origin=UI, **{"X-Namespace": "default"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == UI


@pytest.mark.parametrize(
    "content, status",
    [
        ("not json", 400),
        ('{"payloads": {"a": 1}}', 400),
        ('{"payloads": [{"data": "!!not base64!!"}]}', 400),
        ("[" * 100_000 + "]" * 100_000, 400),
        (json.dumps({"payloads": [{}] * 10_001}), 400),
    ],
    ids=["not-json", "not-a-list", "bad-base64", "deep", "too-many"],
)
def test_bad_bodies_are_refused(server, content, status):
    r = post(server, f"/{TOKEN}/decode", content)
    assert r.status_code == status, r.text


def test_a_body_over_the_bound_is_refused_before_it_is_read(server):
    host, port = server.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(
            f"POST /{TOKEN}/decode HTTP/1.1\r\nHost: x\r\nContent-Length: {MAX_BODY + 1}\r\n"
            "Content-Type: application/json\r\n\r\n".encode()
        )
        answer = s.recv(4096).decode()
    assert answer.startswith("HTTP/1.0 413") or answer.startswith("HTTP/1.1 413")


def test_unknown_paths_and_the_log_never_show_the_token(server, capsys):
    assert post(server, f"/{TOKEN}/other", "{}").status_code == 404
    post(server, f"/{TOKEN}/decode", body(plain()))
    post(server, "/decode", body(plain()))
    out = capsys.readouterr()
    assert "decode" in out.out + out.err  # it does log the requests...
    assert TOKEN not in out.out + out.err  # ...without their path


def test_token_file_is_made_once_and_private(tmp_path):
    path = tmp_path / "codec-token"
    token = ensure_token(path)
    assert len(token) >= 32 and (path.stat().st_mode & 0o777) == 0o600
    assert ensure_token(path) == token
    path.chmod(0o644)
    with pytest.raises(codec.KeysUnavailable, match="chmod 600"):
        ensure_token(path)


def test_the_token_is_not_logged_when_it_ends_the_path(server, capsys):
    # A supervisor pastes the endpoint into a browser: GET /<token>, which ends in it.
    httpx.get(f"{server.url}/{TOKEN}", timeout=10)
    post(server, f"/{TOKEN}", "{}")
    httpx.options(f"{server.url}/{TOKEN}", timeout=10)
    out = capsys.readouterr()
    assert "other" in out.out + out.err
    assert TOKEN not in out.out + out.err


def test_a_malformed_request_line_is_answered_and_its_path_not_logged(server, capsys):
    host, port = server.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(f"GET /{TOKEN} extra HTTP/1.1\r\n\r\n".encode())
        assert s.recv(4096).startswith(b"HTTP/1.0 400")
    out = capsys.readouterr()
    assert "status=400" in out.out + out.err
    assert TOKEN not in out.out + out.err and "Traceback" not in out.err


def zeros(megabytes: int) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=b"0" * (megabytes * 1024 * 1024))


def test_a_payload_that_inflates_past_the_bound_stays_encrypted(server, keyring):
    bomb = encrypt(zeros(17), keyring.ring())  # 17 MiB of zeros in a few KB
    assert len(bomb.data) < 100_000
    with pytest.raises(codec.Undecryptable):
        decrypt(bomb, keyring.ring())
    decoded = payloads_of(post(server, f"/{TOKEN}/decode", body(bomb)))
    assert decoded[0].metadata["encoding"] == ENCODING


def test_an_answer_past_its_bound_is_refused(server, keyring):
    # Each within bounds, 3 MiB of zeros in 3 KB; thirty of them would answer 90 MiB.
    small = encrypt(zeros(3), keyring.ring())
    r = post(server, f"/{TOKEN}/decode", body(*[small] * 30))
    assert r.status_code == 413, r.text[:300]
    assert payloads_of(post(server, f"/{TOKEN}/decode", body(small)))[0].data == zeros(3).data


async def test_the_worker_decodes_up_to_the_bound_and_refuses_past_it(keyring):
    # The worker's codec shares decrypt: a payload unpacking to exactly the bound reads.
    largest = Payload(metadata={"encoding": b"json/plain"}, data=b"0" * MAX_UNPACKED)
    largest.data = largest.data[: 2 * MAX_UNPACKED - largest.ByteSize()]
    assert largest.ByteSize() == MAX_UNPACKED
    codec_ = EncryptionCodec(keyring)
    assert await codec_.decode(await codec_.encode([largest])) == [largest]
    largest.data += b"0"
    with pytest.raises(codec.Undecryptable, match="unpacks to over"):
        await codec_.decode(await codec_.encode([largest]))


@pytest.fixture
def strict_server(keyring) -> Iterator[CodecServer]:
    yield from serving(
        CodecServer(("127.0.0.1", 0), keyring, TOKEN, [UI], connections=2, deadline=0.5)
    )


def test_a_request_that_never_ends_is_cut_at_its_deadline(strict_server, capsys):
    host, port = strict_server.server_address[:2]
    started = time.monotonic()
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(b"POST /decode HTTP/1.1\r\nX-Slow: ")
        # A header byte every 50 ms: never idle long enough for the 30 s read timeout.
        s.settimeout(0.05)
        while time.monotonic() - started < 5:
            try:
                if s.recv(4096) == b"":
                    break
            except TimeoutError:
                pass
            try:
                s.sendall(b"x")
            except OSError:
                break
    assert time.monotonic() - started < 3
    # Its thread is gone, and the truncated request was neither answered nor complained of.
    for _ in range(2):
        assert strict_server.slots.acquire(timeout=5)
    for _ in range(2):
        strict_server.slots.release()
    out = capsys.readouterr()
    assert "request" not in out.out + out.err and "Traceback" not in out.err


def test_connections_past_the_bound_are_closed_unread(strict_server):
    host, port = strict_server.server_address[:2]
    held = [socket.create_connection((host, port), timeout=10) for _ in range(2)]
    try:
        with socket.create_connection((host, port), timeout=10) as third:
            third.sendall(f"POST /{TOKEN}/decode HTTP/1.0\r\n".encode())
            assert third.recv(4096) == b""
    finally:
        for s in held:
            s.close()
    # Their slots come back once their threads see them closed (or cut at the deadline).
    for _ in range(2):
        assert strict_server.slots.acquire(timeout=5)
    for _ in range(2):
        strict_server.slots.release()
    ok = httpx.post(f"{strict_server.url}/{TOKEN}/decode", content=body(plain()), timeout=10)
    assert ok.status_code == 200
