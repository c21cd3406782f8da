"""The `shaqyru` command without paying for its imports on every run.

A test that runs the command many times spends most of each run importing it (about a
second of CPU: Temporal, SQLAlchemy, cryptography, pydantic models). Here a server
process imports `cli.main` once, exactly as the installed `shaqyru` script does before it
calls `main()`, and forks a child for every command line. The child is still a process
of its own: it takes the caller's stdin, stdout and stderr (the file descriptors
themselves, passed over a Unix socket), its environment and its working directory, runs
`cli.main.main()` and ends with the command's own exit status, which the caller's process
takes as its own. What a test sees (exit status, stdout, stderr, files written) is what
the command does; only the imports were done before the fork.

    python tests/forkserver.py serve SOCKET          # the server (one per test process)
    python -I -S tests/forkserver.py SOCKET ARGS...  # one command line, as `shaqyru ARGS...`

The caller's side is a plain subprocess too (a bare interpreter, no site packages: tens
of milliseconds), so a test drives it with the same asyncio subprocess calls as the real
command. SHAQYRU_TEST_CLI_EXEC=1 makes tests/helpers.py run the installed command for
every call instead, as a check of this shortcut.

Nothing here is imported by the project; the server runs nothing but `cli.main`."""

from __future__ import annotations

import json
import os
import select
import socket
import struct
import sys
import threading

HEADER = struct.Struct("!I")


def _recv_exactly(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError("the caller went away")
        data += chunk
    return data


# --- the caller: one command line -----------------------------------------------------


def launch(path: str, argv: list[str]) -> None:
    """Hand our stdin, stdout and stderr, environment and working directory to a child
    of the server, and end with its exit status."""
    request = json.dumps({"argv": argv, "env": dict(os.environ), "cwd": os.getcwd()}).encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(path)
        socket.send_fds(conn, [HEADER.pack(len(request))], [0, 1, 2])
        conn.sendall(request)
        status = HEADER.unpack(_recv_exactly(conn, HEADER.size))[0]
    os._exit(status)


# --- the server -----------------------------------------------------------------------


def _child(conn: socket.socket, fds: list[int], request: dict, entry) -> None:
    """In the forked child: become the command's process, then run it. Never returns."""
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        conn.close()
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.argv = [os.path.join(os.path.dirname(sys.executable), "shaqyru"), *request["argv"]]
    except BaseException:  # the child must never fall back into the server's loop
        _print_exc()
        os._exit(70)
    try:
        entry()  # cli.main.main ends the process itself, with os._exit(its status)
        code = 0
    except SystemExit as done:  # what the interpreter does with one
        if done.code is None or isinstance(done.code, int):
            code = done.code or 0
        else:
            print(done.code, file=sys.stderr)
            code = 1
    except BaseException:  # and with an exception nothing caught
        _print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _print_exc() -> None:
    import traceback

    traceback.print_exc()


def serve(path: str) -> None:
    # As in the installed script, whose folder (not this one's) is first on sys.path.
    sys.path[0] = os.path.dirname(sys.executable)
    from cli.main import main

    assert threading.active_count() == 1, "a thread before fork: the children would lack it"
    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    waiting: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> (pid, caller)
    while True:
        ready, _, _ = select.select([listener.fileno(), *waiting], [], [], 1.0)
        if os.getppid() != parent:  # the test process is gone: so are its callers
            return
        for r in ready:
            if r == listener.fileno():
                conn, _ = listener.accept()
                fds: list[int] = []
                try:
                    msg, fds, _, _ = socket.recv_fds(conn, HEADER.size, 3)
                    request = json.loads(_recv_exactly(conn, HEADER.unpack(msg)[0]))
                    if len(fds) != 3:
                        raise ValueError("stdin, stdout and stderr expected")
                except (OSError, EOFError, ValueError, struct.error):
                    for fd in fds:  # a caller that sent nothing (a probe) or half a request
                        os.close(fd)
                    conn.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    listener.close()
                    for pidfd, (_, other) in waiting.items():
                        os.close(pidfd)
                        other.close()
                    _child(conn, fds, request, main)
                for fd in fds:
                    os.close(fd)
                waiting[os.pidfd_open(pid)] = (pid, conn)
            else:
                pid, conn = waiting.pop(r)
                os.close(r)
                _, status = os.waitpid(pid, 0)
                code = os.waitstatus_to_exitcode(status)
                try:
                    conn.sendall(HEADER.pack(code if code >= 0 else 128 - code))
                except OSError:
                    pass
                conn.close()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        launch(sys.argv[1], sys.argv[2:])
