"""A content-addressed folder of documents: each file is named by its SHA-256.

Writes go to a temporary file in the same folder and are renamed into place, so a reader
never sees half a file and a retried activity that stores the same bytes again changes
nothing."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

import settings as settings_module

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class Corrupted(Exception):
    pass


class DocumentStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        # The name is checked because it becomes a path: nothing may climb out of root.
        if not _SHA256.match(sha):
            raise ValueError(f"not a lowercase hex SHA-256: {sha!r}")
        return self.root / sha[:2] / sha

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        # Re-reading costs little at document sizes and mends a damaged copy.
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == sha:
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    def get(self, sha: str) -> bytes:
        data = self.path(sha).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            raise Corrupted(f"{self.path(sha)} does not hash to its name")
        return data

    def has(self, sha: str) -> bool:
        return self.path(sha).is_file()


Store = DocumentStore


def default_store(cfg: settings_module.Settings | None = None) -> DocumentStore:
    return DocumentStore((cfg or settings_module.load()).docs_dir)
