"""A development document's pages are compressed from a copy of a compressor already fed
the sample mark (`render._deflate`). That is only a shortcut: every stream must be the
bytes plain `zlib.compress` gives, or a PDF would differ from what fpdf2 alone writes."""

from __future__ import annotations

import re
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from fpdf.syntax import PDFContentStream

from documents import render
from tests.helpers import DISTRICT, REFUSAL

LEVEL = PDFContentStream._COMPRESSION_LEVEL
# A refusal whose reasons run on over several pages: pages after the first two as well.
LONG = REFUSAL.model_copy(update={"refusal_reasons": ["анықтама жарамсыз; " * 80] * 3})
_STREAM = re.compile(rb"/Filter /FlateDecode[^>]*?/Length (\d+)[^>]*>>\nstream\n", re.S)


def _flate_streams(pdf: bytes) -> list[bytes]:
    return [pdf[m.end() : m.end() + int(m.group(1))] for m in _STREAM.finditer(pdf)]


@pytest.fixture
def primed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A fresh cache, so the first sample page primes it and the rest copy from it; and
    where each call to `_deflate` was told its page's mark ends."""
    monkeypatch.setattr(render, "_PRIMED", {})
    seen: list[int] = []
    deflate = render._deflate

    def spy(contents: bytes, mark_end: int) -> bytes:
        seen.append(mark_end)
        return deflate(contents, mark_end)

    monkeypatch.setattr(render, "_deflate", spy)
    return seen


def test_a_sample_document_is_the_same_with_the_cache_and_without(
    primed: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = render.render_result(LONG, DISTRICT, sample=True)
    assert len(primed) > 2 and all(primed), "every page should have gone through the cache"
    assert len(render._PRIMED) == 1
    # What fpdf2 itself does with each page.
    monkeypatch.setattr(render, "_deflate", lambda contents, _: zlib.compress(contents, LEVEL))
    assert render.render_result(LONG, DISTRICT, sample=True) == cached


def test_every_stream_is_what_plain_zlib_makes_of_its_content(primed: list[int]) -> None:
    for sample in (True, False):
        primed.clear()
        streams = _flate_streams(render.render_result(LONG, DISTRICT, sample=sample))
        assert len(primed) > 2 and (all(primed) if sample else not any(primed))
        assert len(streams) > len(primed)  # the pages' and the fonts'
        for data in streams:
            assert zlib.compress(zlib.decompress(data), LEVEL) == data


def test_the_shared_compressor_gives_plain_zlib_bytes_for_any_rest_in_any_thread() -> None:
    mark = bytes(range(256)) * 90 + b"0 0 m 1 1 l h f\n" * 200
    rests = [
        b"",
        b"x",
        mark[:100],  # the rest repeats what the cache holds
        mark,
        bytes(i * 7 % 251 for i in range(70_000)),  # past deflate's 32 KiB window
        b"BT /F1 11 Tf ET\n" * 3000,
    ]
    pages = [mark + rest for rest in rests] * 8

    def check(page: bytes) -> bool:
        return render._deflate(page, len(mark)) == zlib.compress(page, LEVEL)

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(check, pages))
