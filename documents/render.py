"""PDF forms: Kazakh on page 1, Russian on page 2, a QR code on each page.

What the QR code proves. A PDF cannot carry its own hash, so the QR code holds the
registration number and the SHA-256 of the *canonical JSON* of the same data: for a
conclusion or refusal notice `result_json(result)`, for an application
`application_json(...)`. Canonical JSON is the model dumped to JSON with sorted keys, no
insignificant whitespace, UTF-8 (not \\u-escaped), datetimes in UTC ISO 8601. That JSON is
stored beside the PDF; a verifier scans the code, hashes the JSON and compares, then checks
the detached CMS signature of the PDF itself (`documents.sign`).

The payload reads `SHAQYRU|<registration number>|sha256:<64 hex digits>`.

Rendering is deterministic: the PDF's dates come from the data (issued_at, registered_at),
so a retried activity writes the same bytes.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import math
import os
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

import segno
from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, PathPaintRule, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont
from pydantic import BaseModel

import settings
from documents import texts
from documents.store import private_dir, write_atomic
from documents.texts import Lang, Page
from models.application import Application, Service, SignedWith
from models.result import Result, ResultKind
from models.roster import District
from rules.regulation import ground_text
from rules.timezone import ALMATY

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVu"
QR_PREFIX = "SHAQYRU"

# Loading a whole DejaVu Sans face costs ~50 ms, more than a document's budget, so the
# faces are cut down once (cached in `font_cache_dir()`) to what the forms use: Latin with
# the Kazakh Latin letters, Cyrillic with the Kazakh letters, punctuation, № and ₸. Text
# with any other letter is rendered with the full faces instead.
_SUBSET_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x17F),
    (0x400, 0x4FF),
    (0x2010, 0x203A),
    (0x20B8, 0x20B8),
    (0x2116, 0x2116),
)


class FontMissing(RuntimeError):
    pass


def font_dir() -> Path:
    return Path(os.environ.get("SHAQYRU_FONT_DIR") or DEFAULT_FONT_DIR)


def font_cache_dir() -> Path:
    """Where the cut-down faces are kept: in the data folder, which is private to the
    service, not in the shared temp folder where anyone could swap a face."""
    return settings.load().data_dir / "fonts"


def _full_fonts() -> dict[str, Path]:
    paths = {style: font_dir() / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise FontMissing(
            f"DejaVu Sans not found: {', '.join(missing)}. Install the fonts-dejavu-core "
            "package or point SHAQYRU_FONT_DIR at a folder holding "
            f"{' and '.join(FONT_FILES.values())}."
        )
    return paths


# Control characters (line breaks) are never drawn, so they don't call for the full faces.
_OUTSIDE_SUBSET = re.compile(
    "[^\x00-\x1f"
    + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in _SUBSET_RANGES)
    + "]"
)


def _in_subset(text: str) -> bool:
    return _OUTSIDE_SUBSET.search(text) is None


@cache
def _subset_font(source: Path, folder: Path) -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    digest = hashlib.sha256(source.read_bytes() + repr(_SUBSET_RANGES).encode()).hexdigest()
    target = folder / f"{digest[:24]}.ttf"
    try:
        if target.is_file():
            return target
    except OSError:
        return source
    font = TTFont(str(source), recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # rasterisers hint on their own; this halves the glyph data
    options.drop_tables += ["FFTM"]
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=[c for lo, hi in _SUBSET_RANGES for c in range(lo, hi + 1)])
    cutter.subset(font)
    cut = io.BytesIO()
    font.save(cut)
    try:
        # Several workers may cut at once; each writes its own file and renames it in place.
        write_atomic(private_dir(folder) / target.name, cut.getvalue())
    except OSError:
        return source  # an unwritable data folder costs speed, not the document
    return target


def _fonts_for(strings: Iterable[str]) -> dict[str, Path]:
    full = _full_fonts()
    if all(_in_subset(s) for s in strings):
        cache_dir = font_cache_dir()
        return {style: _subset_font(path, cache_dir) for style, path in full.items()}
    return full


@cache
def _parsed_face(path: Path, style: str) -> tuple[bytes, TTFFont]:
    """A face's bytes and fpdf2's reading of them (metrics, widths, cmap), once a process:
    add_font would parse the file again for every document."""
    data = path.read_bytes()
    return data, TTFFont(FPDF(), path, f"{FAMILY.lower()}{style}", style)


def _add_face(pdf: FPDF, style: str, path: Path) -> None:
    """What add_font does, from the face parsed once. A document gets its own copy of what
    it changes: its font number, the glyphs it uses, and the font program, which output()
    cuts down in place to those glyphs (so it is read afresh from the bytes, lazily)."""
    data, parsed = _parsed_face(path, style)
    font = copy.copy(parsed)
    font.i = len(pdf.fonts) + 1
    font.desc = copy.copy(parsed.desc)  # output() numbers it and hangs the font file on it
    font.cw = parsed.cw.copy()  # a defaultdict: a lookup of a missing letter writes to it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    # Bounds and maxima stay those of the whole face, which hold for the cut-down one too:
    # recomputing them decodes every outline again, 40 % of the time output() takes.
    font.ttfont = TTFont(io.BytesIO(data), lazy=True, recalcTimestamp=False, recalcBBoxes=False)
    pdf.fonts[font.fontkey] = font


# --- canonical JSON and the QR payload ------------------------------------------------


def _plain(value: object) -> object:
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(mode="python"))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        # The same instant in another offset must hash the same.
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical_json(value: object) -> bytes:
    return json.dumps(
        _plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def result_json(result: Result) -> bytes:
    """The machine-readable result stored beside its PDF; its SHA-256 is in the QR code."""
    return canonical_json(result)


def application_json(
    app: Application, registration_number: str, district: District, registered_at: datetime
) -> bytes:
    """The registered application as data; its SHA-256 is in the application's QR code."""
    return canonical_json(
        {
            "application": app,
            "registration_number": registration_number,
            "district": district.code,
            "registered_at": registered_at,
        }
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def qr_payload(registration_number: str, digest: str) -> str:
    return f"{QR_PREFIX}|{registration_number}|sha256:{digest}"


def parse_qr_payload(payload: str) -> tuple[str, str]:
    """(registration number, sha256 hex) from a scanned code."""
    prefix, _, rest = payload.partition("|")
    number, _, tail = rest.rpartition("|")
    if prefix != QR_PREFIX or not number or not tail.startswith("sha256:"):
        raise ValueError(f"not a Shaqyru document code: {payload!r}")
    return number, tail.removeprefix("sha256:")


# --- drawing --------------------------------------------------------------------------

MARGIN = 20.0
QR_SIZE = 26.0
BODY_PT = 11.0
LINE = 5.6


def _qr_rows(payload: str) -> list[list[bool]]:
    code = segno.make(payload, error="m", micro=False)
    return [[bool(m) for m in row] for row in code.matrix_iter(scale=1, border=2)]


def _draw_qr(pdf: FPDF, rows: list[list[bool]], x: float, y: float, size: float) -> None:
    # Vectors, not an image: crisp at any zoom and no PNG encoder in the loop. Runs of
    # dark modules in a row become one rectangle to keep the content stream small.
    module = size / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # A hair of overlap hides the seams some viewers draw between rectangles.
            pdf.rect(x + start * module, y + r * module, (c - start) * module + 0.02,
                     module + 0.02, style="F")  # fmt: skip


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy word wrap at spaces only, so that joining the lines with single spaces gives
    back the text (fpdf2's own multi_cell is quadratic in the paragraph's length)."""
    space = pdf.get_string_width(" ")
    lines: list[str] = []
    for hard in text.splitlines() or [""]:
        words = hard.split()
        line: list[str] = []
        used = 0.0
        for word in words:
            w = pdf.get_string_width(word)
            while w > width:  # a token wider than the line (a long hash) is cut
                head = word
                while len(head) > 1 and pdf.get_string_width(head) > width:
                    head = head[: max(1, int(len(head) * width / pdf.get_string_width(head)))]
                if line:
                    lines.append(" ".join(line))
                    line, used = [], 0.0
                lines.append(head)
                word = word[len(head) :]
                w = pdf.get_string_width(word)
            if not word:
                continue
            if line and used + space + w > width:
                lines.append(" ".join(line))
                line, used = [], 0.0
            used += (space if line else 0.0) + w
            line.append(word)
        lines.append(" ".join(line))
    return lines


def _text(
    pdf: FPDF,
    text: str,
    *,
    x: float,
    width: float,
    size: float,
    height: float,
    bold: bool = False,
    align: Align = Align.L,
) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    for line in _wrap(pdf, text, width):
        pdf.set_x(x)
        pdf.cell(width, height, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _strings(page: Page) -> list[str]:
    return [
        page.annex,
        page.commission,
        page.registration,
        page.issued,
        page.title,
        page.footer,
        *page.addressee,
        *page.body,
        *page.items,
        *page.after_items,
        *page.signature,
        *((texts.SAMPLE_BANNER,) if page.sample else ()),
    ]


class _Pdf(FPDF):
    """Draws the current language's footer on every page, continuation pages of a long
    text included; and on a development document the sample mark, under everything else."""

    footer_text = ""
    sample = False

    def header(self) -> None:
        if self.sample:
            _draw_sample_mark(self)

    def footer(self) -> None:
        if self.footer_text:
            self.set_y(-14)
            _text(self, self.footer_text, x=MARGIN, width=self.w - 2 * MARGIN, size=6.5,
                  height=3.2, align=Align.C)  # fmt: skip


class _Outline(BasePen):
    """Collects a line of glyphs as path operations, in font units, y up."""

    def __init__(self, glyphs: Any) -> None:
        super().__init__(glyphs)
        self.ops: list[tuple[str, tuple[float, ...]]] = []
        self.dx = 0.0

    def _moveTo(self, p: tuple[float, float]) -> None:  # noqa: N802 (fontTools' names)
        self.ops.append(("m", (p[0] + self.dx, p[1])))

    def _lineTo(self, p: tuple[float, float]) -> None:  # noqa: N802
        self.ops.append(("l", (p[0] + self.dx, p[1])))

    def _curveToOne(self, a: tuple, b: tuple, c: tuple) -> None:  # noqa: N802
        self.ops.append(("c", (a[0] + self.dx, a[1], b[0] + self.dx, b[1], c[0] + self.dx, c[1])))

    def _closePath(self) -> None:  # noqa: N802
        self.ops.append(("h", ()))


@cache
def _outline(text: str, face: Path) -> tuple[tuple[tuple[str, tuple[float, ...]], ...], float, int]:
    """`text` as glyph outlines (operations, advance width, units per em), read once."""
    font = TTFont(str(face), lazy=True)
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    pen = _Outline(glyphs)
    for ch in text:
        glyph = glyphs[cmap.get(ord(ch), ".notdef")]
        glyph.draw(pen)
        pen.dx += glyph.width
    return tuple(pen.ops), pen.dx, font["head"].unitsPerEm


def _draw_diagonal(pdf: FPDF, line: str, size_pt: float, drop: float) -> None:
    """`line` centred on the page's diagonal from bottom left up, `drop` mm below it."""
    ops, width, upm = _outline(line, _full_fonts()["B"])
    scale = size_pt * 25.4 / 72 / upm
    angle = math.atan2(pdf.h, pdf.w)
    along = (math.cos(angle), -math.sin(angle))  # the baseline's direction on the page
    down = (math.sin(angle), math.cos(angle))  # a glyph's "down" on the page
    cx, cy = pdf.w / 2, pdf.h / 2

    def at(fx: float, fy: float) -> tuple[float, float]:
        u, v = (fx - width / 2) * scale, drop - fy * scale  # font units are y up
        return cx + u * along[0] + v * down[0], cy + u * along[1] + v * down[1]

    with pdf.new_path(paint_rule=PathPaintRule.FILL_NONZERO) as path:
        path.style.fill_color = "#c81e1e"
        path.style.fill_opacity = 0.2
        path.style.stroke_color = None
        for op, p in ops:
            if op == "m":
                path.move_to(*at(p[0], p[1]))
            elif op == "l":
                path.line_to(*at(p[0], p[1]))
            elif op == "c":
                path.curve_to(*at(p[0], p[1]), *at(p[2], p[3]), *at(p[4], p[5]))
            else:
                path.close()


def _draw_sample_mark(pdf: FPDF) -> None:
    """The words ҮЛГІ / ОБРАЗЕЦ / SAMPLE corner to corner, pale enough to read the form
    through, and the same along the top edge. The diagonal words are drawn as shapes, not
    text: diagonal text would be read out in pieces among the form's own lines by any
    text extractor; the line at the top is text and says the same. Nothing here moves
    the cursor, so the page's own text goes on as if the mark were not there."""
    big, small = texts.SAMPLE_MARK
    _draw_diagonal(pdf, big, 40, 0.0)
    _draw_diagonal(pdf, small, 20, 12.0)
    with pdf.local_context(text_color=(200, 30, 30)):
        pdf.set_font(FAMILY, "B", 7)
        pdf.text((pdf.w - pdf.get_string_width(texts.SAMPLE_BANNER)) / 2, 7.5,
                 texts.SAMPLE_BANNER)  # fmt: skip


def _draw_page(pdf: _Pdf, page: Page, qr: list[list[bool]]) -> None:
    # Each language starts on a page of its own; add_page closes the previous page with
    # the previous language's footer, so the footer text is switched only afterwards.
    pdf.add_page()
    pdf.footer_text = page.footer
    width = pdf.w - 2 * MARGIN
    right = pdf.w - MARGIN

    pdf.set_y(12)
    _text(pdf, page.annex, x=right - 80, width=80, size=7.5, height=3.4, align=Align.R)

    top = pdf.get_y() + 4
    qr_x = right - QR_SIZE
    _draw_qr(pdf, qr, qr_x, top, QR_SIZE)
    left_w = qr_x - MARGIN - 6
    pdf.set_y(top + 1)
    _text(pdf, page.commission, x=MARGIN, width=left_w, size=10, height=4.8, bold=True)
    pdf.ln(1)
    for line in (page.registration, page.issued):
        _text(pdf, line, x=MARGIN, width=left_w, size=9, height=4.6)
    y = max(pdf.get_y(), top + QR_SIZE) + 3
    with pdf.local_context(draw_color=(120, 120, 120), line_width=0.3):
        pdf.line(MARGIN, y, right, y)

    # The forms put the addressee in the upper right, like a letter.
    block_x = pdf.w / 2
    pdf.set_y(y + 6)
    for line in page.addressee:
        caption = line.startswith("(")
        _text(pdf, line, x=block_x, width=right - block_x, size=8 if caption else 10.5,
              height=4.2 if caption else 5.0)  # fmt: skip

    pdf.ln(8)
    _text(pdf, page.title, x=MARGIN, width=width, size=12.5, height=6.2, bold=True,
          align=Align.C)  # fmt: skip
    pdf.ln(5)

    for para in page.body:
        _text(pdf, para, x=MARGIN, width=width, size=BODY_PT, height=LINE)
        pdf.ln(2.5)
    for item in page.items:
        _text(pdf, item, x=MARGIN + 8, width=width - 8, size=BODY_PT, height=LINE)
        pdf.ln(1)
    for para in page.after_items:
        _text(pdf, para, x=MARGIN, width=width, size=BODY_PT, height=LINE)
        pdf.ln(2.5)

    pdf.ln(10)
    for line in page.signature:
        caption = line.startswith("(")
        _text(pdf, line, x=MARGIN, width=width, size=8.5 if caption else BODY_PT,
              height=4.6 if caption else LINE)  # fmt: skip


def _pdf_date(moment: datetime) -> datetime:
    # A naive time is taken as UTC so the bytes don't depend on the machine's zone.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _build(
    pages: list[Page], payload: str, created: datetime, title: str, subject: str, keywords: str
) -> bytes:
    fonts = _fonts_for(s for page in pages for s in _strings(page))
    pdf = _Pdf(format="A4", unit="mm")
    pdf.set_margins(MARGIN, 12, MARGIN)
    pdf.c_margin = 0  # text lines up with the rule and the QR code, not 1 mm inside them
    # A reason may run to 4000 characters: let it flow on, clear of the footer.
    pdf.set_auto_page_break(auto=True, margin=20)
    for style, path in fonts.items():
        _add_face(pdf, style, path)
    pdf.set_creation_date(_pdf_date(created))
    pdf.set_lang("kk")
    pdf.set_title(title)
    pdf.set_subject(subject)
    pdf.set_keywords(keywords)
    pdf.set_creator("Shaqyru")
    pdf.sample = any(page.sample for page in pages)
    qr = _qr_rows(payload)
    for page in pages:
        _draw_page(pdf, page, qr)
    return bytes(pdf.output())


def render_result(
    result: Result, district: District | None = None, *, sample: bool = False
) -> bytes:
    """The conclusion (Annex 3) or refusal notice (Annex 4) as a two-page PDF.

    The commission's name is taken per language from `district` when given, else
    `result.commission` is printed on both pages. The reason a conclusion states is the
    ground's words from the regulation (`rules.regulation`), not `result.reason`, which
    holds the applicant's own words. `sample`: the document will be signed with the
    development key, and every page says it is not a legal document."""
    # model_copy() skips validation, so enum fields may arrive as plain strings.
    kind, service = ResultKind(result.kind), Service(result.service)
    if kind is ResultKind.refusal and result.until is not None:
        raise ValueError("a refusal notice has no deferral end date")
    digest = sha256_hex(result_json(result))
    commission = {
        Lang.kk: district.commission_kk if district else result.commission,
        Lang.ru: district.commission_ru if district else result.commission,
    }
    pages = [
        texts.result_page(
            lang=lang,
            kind=kind.value,
            service=service,
            commission=commission[lang],
            registration_number=result.registration_number,
            issued_on=result.issued_on,
            applicant_name=result.applicant_name,
            applicant_address=result.applicant_address,
            ground=ground_text(service, result.ground, lang.value),
            until=result.until,
            refusal_ground=result.refusal_ground,
            refusal_reasons=result.refusal_reasons,
            chairman_name=result.chairman_name,
            digest=digest,
            sample=sample,
        )
        for lang in texts.LANGS
    ]
    return _build(
        pages,
        qr_payload(result.registration_number, digest),
        result.issued_at,
        title=pages[0].title,
        subject=result.registration_number,
        keywords=f"sha256:{digest}",
    )


def attachment_label(kind: str, file_name: str) -> str:
    return f"{file_name} ({kind})"


def render_application(
    app: Application,
    registration_number: str,
    district: District,
    registered_at: datetime,
    *,
    sample: bool = False,
) -> bytes:
    """The application (Annex 1) as registered by the commission, as a two-page PDF;
    `sample` as for `render_result`."""
    digest = sha256_hex(application_json(app, registration_number, district, registered_at))
    registered_on = _local_date(registered_at)
    pages = [
        texts.application_page(
            lang=lang,
            service=Service(app.service),
            commission=district.commission_kk if lang is Lang.kk else district.commission_ru,
            chairman_name=district.chairman.name,
            registration_number=registration_number,
            registered_on=registered_on,
            submitted_on=_local_date(app.submitted_at),
            full_name=app.applicant.full_name,
            address=app.applicant.address,
            phone=app.applicant.phone,
            ground=ground_text(app.service, app.ground, lang.value),
            reason=app.reason,
            attachments=[attachment_label(d.kind, d.file_name) for d in app.documents],
            signed_with=SignedWith(app.signed_with),
            digest=digest,
            sample=sample,
        )
        for lang in texts.LANGS
    ]
    return _build(
        pages,
        qr_payload(registration_number, digest),
        registered_at,
        title=pages[0].title,
        subject=registration_number,
        keywords=f"sha256:{digest}",
    )


def _local_date(moment: datetime) -> date:
    return (moment.astimezone(ALMATY) if moment.tzinfo else moment).date()
