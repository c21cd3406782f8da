"""The PDF files themselves: the development mark drawn on every page, the same bytes
for the same data in any process, fonts, metadata, and the QR code (issue 5)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, timedelta, timezone
from pathlib import Path

import pytest
import segno
from PIL import Image
from pypdf import PdfReader

from documents import render, texts
from tests.helpers import (
    APPLICATION,
    DEFERRAL,
    DISTRICT,
    ISSUED_AT,
    REFUSAL,
    REGISTERED_AT,
    page_text,
    write_pdf,
)

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("openssl")),
    reason="needs poppler-utils and openssl",
)


def _red_pixels(pdf: bytes, page: int, tmp_path: Path) -> int:
    """Pixels of the mark's red on a raster of `page`: the form itself is black and grey."""
    src = write_pdf(tmp_path, pdf)
    out = tmp_path / f"raster-{page}"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", str(page), "-l", str(page),
                    "-singlefile", str(src), str(out)], check=True)  # fmt: skip
    raw = Image.open(f"{out}.png").convert("RGB").tobytes()
    rgb = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    return sum(1 for r, g, b in rgb if r > g + 25 and r > b + 25)


@pytest.mark.parametrize(
    "make",
    [
        lambda sample: render.render_result(DEFERRAL, DISTRICT, sample=sample),
        lambda sample: render.render_result(REFUSAL, DISTRICT, sample=sample),
        lambda sample: render.render_application(
            APPLICATION, "R-1", DISTRICT, REGISTERED_AT, sample=sample
        ),
    ],
    ids=["conclusion", "refusal", "application"],
)
def test_sample_says_so_on_every_page_and_a_real_one_does_not(make, tmp_path: Path) -> None:
    sample, real = make(True), make(False)
    for page in (1, 2):
        text = page_text(sample, page, tmp_path)
        assert texts.SAMPLE_BANNER in text
        assert "(ЭЦҚ-мен куәландырылған)" not in text and "(удостоверено ЭЦП)" not in text
        # The diagonal mark is drawn, not written: the form's text reads on undisturbed.
        rest = text.replace(texts.SAMPLE_BANNER, "")
        assert "SAMPLE" not in rest and "not a legal document" not in rest
        assert _red_pixels(sample, page, tmp_path) > 2000
        plain = page_text(real, page, tmp_path)
        assert "ҮЛГІ" not in plain and "ОБРАЗЕЦ" not in plain and "SAMPLE" not in plain
        assert _red_pixels(real, page, tmp_path) == 0
    kk, ru = page_text(sample, 1, tmp_path), page_text(sample, 2, tmp_path)
    if "Өтініш" not in kk:  # the application bears the applicant's signature, not ours
        assert "(ҮЛГІ: әзірлеу кілтімен қол қойылған, заңды құжат емес)" in kk
        assert "(ОБРАЗЕЦ: подписано ключом разработки, не является юридическим документом)" in ru
        assert "(ЭЦҚ-мен куәландырылған)" in page_text(real, 1, tmp_path)
        assert "(удостоверено ЭЦП)" in page_text(real, 2, tmp_path)


def test_continuation_pages_carry_the_mark_too(tmp_path: Path) -> None:
    long = APPLICATION.model_copy(update={"reason": "Әкем мүгедек. " * 400})
    pdf = render.render_application(long, "R-1", DISTRICT, REGISTERED_AT, sample=True)
    pages = len(PdfReader(write_pdf(tmp_path, pdf)).pages)
    assert pages >= 4
    for page in range(1, pages + 1):
        assert texts.SAMPLE_BANNER in page_text(pdf, page, tmp_path)
        assert _red_pixels(pdf, page, tmp_path) > 2000


def test_missing_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SHAQYRU_FONT_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(render.FontMissing, match="SHAQYRU_FONT_DIR"):
        render.render_result(DEFERRAL)


def test_font_dir_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in render.FONT_FILES.values():
        shutil.copy(Path(render.DEFAULT_FONT_DIR) / name, tmp_path / name)
    monkeypatch.setenv("SHAQYRU_FONT_DIR", str(tmp_path))
    assert render.render_result(DEFERRAL, DISTRICT) == render_in_default_dir()


def render_in_default_dir() -> bytes:
    old = os.environ.pop("SHAQYRU_FONT_DIR", None)
    try:
        return render.render_result(DEFERRAL, DISTRICT)
    finally:
        if old is not None:
            os.environ["SHAQYRU_FONT_DIR"] = old


def test_rendering_is_deterministic_across_processes() -> None:
    first = render.render_result(REFUSAL, DISTRICT)
    assert render.render_result(REFUSAL, DISTRICT) == first
    script = textwrap.dedent(
        """
        import sys, tests.helpers as t
        from documents import render
        sys.stdout.buffer.write(render.render_result(t.REFUSAL, t.DISTRICT))
        """
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "America/Lima"}
    other = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, check=True, env=env,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout  # fmt: skip
    assert other == first
    app = render.render_application(APPLICATION, "R-1", DISTRICT, REGISTERED_AT)
    assert render.render_application(APPLICATION, "R-1", DISTRICT, REGISTERED_AT) == app


def test_the_same_result_renders_to_the_same_bytes_whatever_was_rendered_before() -> None:
    # The faces are parsed once per process and shared by every document; a retried
    # activity must still write the same bytes, after other documents and beside them in
    # the worker's other threads.
    from concurrent.futures import ThreadPoolExecutor

    forms = {
        "refusal": lambda: render.render_result(REFUSAL, DISTRICT),
        "deferral": lambda: render.render_result(DEFERRAL, DISTRICT),
        "greek": lambda: render.render_result(
            DEFERRAL.model_copy(update={"applicant_name": "Ἀλέξανδρος"}), DISTRICT
        ),
        "application": lambda: render.render_application(
            APPLICATION, "R-1", DISTRICT, REGISTERED_AT
        ),
        "long": lambda: render.render_application(  # more pages: other object numbers
            APPLICATION.model_copy(update={"reason": "Әкем мүгедек. " * 300}),
            "R-1",
            DISTRICT,
            REGISTERED_AT,
        ),
    }
    alone = {name: make() for name, make in forms.items()}
    assert render.render_result(REFUSAL, DISTRICT) == alone["refusal"]
    order = list(forms) * 6
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda name: (name, forms[name]()), order))
    assert all(pdf == alone[name] for name, pdf in together)


def test_pdf_dates_come_from_the_data(tmp_path: Path) -> None:
    meta = PdfReader(write_pdf(tmp_path, render.render_result(DEFERRAL, DISTRICT))).metadata
    assert meta is not None and meta.creation_date is not None
    assert meta.creation_date.astimezone(UTC) == ISSUED_AT
    assert meta.subject == DEFERRAL.registration_number


def test_result_json_is_canonical() -> None:
    raw = render.result_json(DEFERRAL)
    assert raw.startswith(b'{"applicant_address":')
    assert b'": ' not in raw and b'", "' not in raw
    assert "Асқаров".encode() in raw  # UTF-8, not \\u escapes
    shifted = DEFERRAL.model_copy(
        update={"issued_at": ISSUED_AT.astimezone(timezone(timedelta(hours=5)))}
    )
    assert render.result_json(shifted) == raw


def test_qr_holds_registration_number_and_json_digest(tmp_path: Path) -> None:
    pdf = render.render_result(DEFERRAL, DISTRICT)
    digest = hashlib.sha256(render.result_json(DEFERRAL)).hexdigest()
    payload = render.qr_payload(DEFERRAL.registration_number, digest)
    assert render.parse_qr_payload(payload) == (DEFERRAL.registration_number, digest)
    assert digest in page_text(pdf, 1, tmp_path)
    # Read the drawn code back from a raster of page 1 and compare module by module.
    assert _qr_modules_from_page(pdf, payload, tmp_path) == [
        [bool(m) for m in row] for row in segno.make(payload, error="m", micro=False).matrix
    ]


def _qr_modules_from_page(pdf: bytes, payload: str, tmp_path: Path) -> list[list[bool]]:
    src = write_pdf(tmp_path, pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "300", "-f", "1", "-l", "1", "-singlefile", str(src),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    img = Image.open(tmp_path / "page.png").convert("L")
    mm = 300 / 25.4
    # The code sits in the upper-right corner, below the annex note and right of the header;
    # the grey rule under it is lighter than the threshold.
    box = (int(160 * mm), int(21 * mm), int(195 * mm), int(60 * mm))
    area = img.crop(box)
    dark = [
        (x, y) for y in range(area.height) for x in range(area.width) if area.getpixel((x, y)) < 64
    ]
    x0, x1 = min(x for x, _ in dark), max(x for x, _ in dark)
    y0, y1 = min(y for _, y in dark), max(y for _, y in dark)
    assert abs((y1 - y0) - (x1 - x0)) <= 2, "the dark area is not a square code"
    n = len(segno.make(payload, error="m", micro=False).matrix)
    step = (x1 - x0 + 1) / n
    return [
        [area.getpixel((int(x0 + (c + 0.5) * step), int(y0 + (r + 0.5) * step))) < 128
         for c in range(n)]
        for r in range(n)
    ]  # fmt: skip
