"""A content-addressed folder of documents: each file is named by its SHA-256.

Writes go to a temporary file in the same folder and are renamed into place, so a reader
never sees half a file and a retried activity that stores the same bytes again changes
nothing. The documents hold personal data: folders are made 0700 and files 0600."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

import settings as settings_module

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
TMP_PREFIX = ".tmp-"
# A put writes its temporary file in milliseconds; one this old was cut short by a kill.
STALE_AFTER = 10 * 60.0


class Corrupted(Exception):
    pass


def private_dir(path: str | Path) -> Path:
    """`path` as a folder, making it and any missing parents 0700 (Path.mkdir would give
    the parents the umask's mode)."""
    path = Path(path)
    if not path.is_dir():
        if path.parent != path:
            private_dir(path.parent)
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            if not path.is_dir():  # else another process made it just now
                why = os.strerror(errno.ENOTDIR)
                raise NotADirectoryError(errno.ENOTDIR, why, str(path)) from None
    return path


def write_atomic(target: Path, data: bytes) -> None:
    """`data` at `target`, whole or not at all, 0600 (mkstemp's mode): a crash leaves at
    most a `.tmp-*` file beside it, never half a target."""
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_hex(data: bytes) -> str:
    """A document's name in the store, and what its QR code and the read model cite."""
    return hashlib.sha256(data).hexdigest()


class DocumentStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        # The name is checked because it becomes a path: nothing may climb out of root.
        if not _SHA256.match(sha):
            raise ValueError(f"not a lowercase hex SHA-256: {sha!r}")
        return self.root / sha[:2] / sha

    def put(self, data: bytes) -> str:
        sha = sha256_hex(data)
        target = self.path(sha)
        # Re-reading costs little at document sizes and mends a damaged copy.
        if target.is_file() and sha256_hex(target.read_bytes()) == sha:
            return sha
        private_dir(target.parent)
        write_atomic(target, data)
        return sha

    def get(self, sha: str) -> bytes:
        data = self.path(sha).read_bytes()
        if sha256_hex(data) != sha:
            raise Corrupted(f"{self.path(sha)} does not hash to its name")
        return data

    def has(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def sweep(self, older_than: float = STALE_AFTER) -> list[Path]:
        """Removes the temporary files of puts that a killed worker cut short, once they
        are `older_than` seconds old (a younger one may be a put still running)."""
        cutoff = time.time() - older_than
        removed: list[Path] = []
        for tmp in self.root.glob(f"*/{TMP_PREFIX}*"):
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed.append(tmp)
            except FileNotFoundError:
                pass  # another worker's sweep, or the put itself, got there first
        return removed


def default_store(cfg: settings_module.Settings | None = None) -> DocumentStore:
    return DocumentStore((cfg or settings_module.load()).docs_dir)
