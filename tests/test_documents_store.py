"""The content-addressed document store (issue 5)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from documents import render
from documents.store import Corrupted, DocumentStore
from tests.helpers import DEFERRAL, DISTRICT


def test_store_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path / "docs")
    data = render.render_result(DEFERRAL, DISTRICT)
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.path(sha) == tmp_path / "docs" / sha[:2] / sha
    mtime = store.path(sha).stat().st_mtime_ns
    assert store.put(data) == sha
    assert store.path(sha).stat().st_mtime_ns == mtime
    assert store.get(sha) == data and store.has(sha)
    assert [p.name for p in (tmp_path / "docs" / sha[:2]).iterdir()] == [sha]


def test_store_refuses_bad_names_and_notices_damage(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")
    sha = store.put(b"abc")
    store.path(sha).write_bytes(b"abd")
    with pytest.raises(Corrupted):
        store.get(sha)
    assert store.put(b"abc") == sha and store.get(sha) == b"abc"  # storing again mends it
