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
import struct
import zlib
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any, cast

from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont, newTable
from fpdf import FPDF
from fpdf.drawing import BoundingBox, GraphicsStyle, Move, PaintedPath, Point, Renderable
from fpdf.enums import Align, CharVPos, PathPaintRule, TextMode, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import (
    CIDSystemInfo,
    OutputProducer,
    PDFFont,
    PDFFontStream,
    PDFPage,
    ResourceCatalog,
    _build_cmap_blocks,
    _tt_font_widths,
)
from fpdf.syntax import Name, PDFArray, PDFContentStream
from pydantic import BaseModel
from segno import consts as qr_consts
from segno import encoder as qr_encoder

import settings
from documents import texts
from documents.store import private_dir, sha256_hex, write_atomic
from documents.texts import Lang, Page
from models.application import Application, Service, SignedWith
from models.result import Result, ResultKind
from models.roster import District
from rules.regulation import DOCUMENT_KINDS, ground_text
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
def _parsed_face(path: Path, style: str) -> tuple[_Face, TTFFont]:
    """A face's tables (`_Face`) and fpdf2's reading of it (metrics, widths, cmap), once a
    process: add_font would parse the file again for every document."""
    parsed = TTFFont(FPDF(), path, f"{FAMILY.lower()}{style}", style)
    return _Face(path.read_bytes(), parsed.ttfont), parsed


def _add_face(pdf: _Pdf, style: str, path: Path) -> None:
    """What add_font does, from the face parsed once. A document gets its own copy of what
    it changes: its font number, the glyphs it uses and the descriptor output() fills in.
    The font program is `_Output`'s to write; the shared fontTools object is not touched."""
    face, parsed = _parsed_face(path, style)
    font = copy.copy(parsed)
    font.i = len(pdf.fonts) + 1
    font.desc = copy.copy(parsed.desc)  # output() numbers it and hangs the font file on it
    font.cw = parsed.cw.copy()  # a defaultdict: a lookup of a missing letter writes to it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    pdf.fonts[font.fontkey] = font
    pdf.faces[font.fontkey] = face


# --- embedding the faces --------------------------------------------------------------
#
# fpdf2 cuts each face down to a document's glyphs with fontTools' subsetter, which
# decodes and re-encodes the whole font: 6 ms a face, half of what a document cost. But a
# TrueType font is a set of tables of bytes, and a cut-down copy needs only its glyph
# tables written anew. `_Face` reads a face's tables once; `_Face.program` copies the
# outlines a document uses, byte for byte, into a font of their own. Glyph i of that font
# is the glyph fpdf2 encodes as code i, so codes map to glyphs by identity rather than
# through a 128 KiB CIDToGIDMap. Outlines, widths and the ToUnicode map that text
# extraction reads are what fpdf2 writes.

_MORE_COMPONENTS = 0x20
# A component's flags tell the size of what follows its glyph index.
_ARGS_ARE_WORDS, _SCALE, _XY_SCALE, _TWO_BY_TWO = 0x1, 0x8, 0x40, 0x80
# Tables a document's font takes over as they are, or patched (head, hhea, maxp, post);
# glyf, loca, hmtx and cmap are written for it. A face with hinting keeps its programs.
_KEPT_TABLES = ("OS/2", "cvt ", "fpgm", "gasp", "head", "hhea", "maxp", "name", "post", "prep")


def _components(glyph: bytes) -> list[tuple[int, int]]:
    """(where its glyph index is, the glyph index) for each component of a composite
    glyph; nothing for a simple one."""
    if len(glyph) < 10 or struct.unpack_from(">h", glyph)[0] >= 0:
        return []
    found, at = [], 10
    while True:
        flags, index = struct.unpack_from(">HH", glyph, at)
        found.append((at + 2, index))
        at += 4 + (4 if flags & _ARGS_ARE_WORDS else 2)
        if flags & _SCALE:
            at += 2
        elif flags & _XY_SCALE:
            at += 4
        elif flags & _TWO_BY_TWO:
            at += 8
        if not flags & _MORE_COMPONENTS:
            return found


def _checksum(data: bytes) -> int:
    data += b"\x00" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


def _sfnt(tables: dict[str, bytes]) -> bytes:
    """A TrueType font of `tables`, with its checksums."""
    tags = sorted(tables)
    shift = len(tags).bit_length() - 1
    search = 16 << shift
    directory = [struct.pack(">IHHHH", 0x00010000, len(tags), search, shift,
                             16 * len(tags) - search)]  # fmt: skip
    body, offset, head_at = [], 12 + 16 * len(tags), 0
    for tag in tags:
        data = tables[tag]
        if tag == "head":
            data, head_at = data[:8] + b"\x00\x00\x00\x00" + data[12:], offset
        directory.append(struct.pack(">4sIII", tag.encode("latin-1"), _checksum(data), offset,
                                     len(data)))  # fmt: skip
        data += b"\x00" * (-len(data) % 4)
        body.append(data)
        offset += len(data)
    font = bytearray(b"".join(directory + body))
    struct.pack_into(">I", font, head_at + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


def _cmap(pairs: dict[int, int]) -> bytes:
    """A cmap table mapping characters to glyphs: format 4, one segment a character."""
    chars = sorted(c for c in pairs if 0 < c < 0xFFFF)
    count = len(chars) + 1  # and the closing segment at U+FFFF
    shift = count.bit_length() - 1
    ends = struct.pack(f">{count}H", *chars, 0xFFFF)
    deltas = struct.pack(f">{count}H", *((pairs[c] - c) & 0xFFFF for c in chars), 1)
    table = (
        struct.pack(">HHHHHHH", 4, 16 + 8 * count, 0, 2 * count, 2 << shift, shift,
                    2 * count - (2 << shift))
        + ends + b"\x00\x00" + ends + deltas + b"\x00\x00" * count
    )  # fmt: skip
    return struct.pack(">HHHHI", 0, 1, 3, 1, 12) + table


class _Face:
    """A TrueType face's tables and glyphs, read once a process."""

    def __init__(self, data: bytes, parsed: TTFont) -> None:
        self.tables: dict[str, bytes] = {}
        for n in range(struct.unpack_from(">H", data, 4)[0]):
            tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * n)
            self.tables[tag.decode("latin-1")] = data[offset : offset + length]
        count = struct.unpack_from(">H", self.tables["maxp"], 4)[0]
        if struct.unpack_from(">h", self.tables["head"], 50)[0] == 0:  # offsets in words
            starts = [2 * v for v in struct.unpack_from(f">{count + 1}H", self.tables["loca"])]
        else:
            starts = list(struct.unpack_from(f">{count + 1}I", self.tables["loca"]))
        glyf = self.tables["glyf"]
        self.glyphs = [glyf[starts[g] : starts[g + 1]] for g in range(count)]
        self.components = [_components(glyph) for glyph in self.glyphs]
        # Each glyph's advance and left side bearing; past the long metrics, the advance is
        # the last one's.
        hmtx, long = self.tables["hmtx"], struct.unpack_from(">H", self.tables["hhea"], 34)[0]
        last = hmtx[4 * long - 4 : 4 * long - 2]
        self.metrics = [hmtx[4 * g : 4 * g + 4] for g in range(min(long, count))] + [
            last + hmtx[2 * long + 2 * g : 2 * long + 2 * g + 2] for g in range(long, count)
        ]
        self.glyph_ids = {name: g for g, name in enumerate(parsed.getGlyphOrder())}
        # The names fontTools' subsetter keeps by default: IDs 0-6 in US English.
        names = newTable("name")
        names.names = [r for r in parsed["name"].names
                       if r.nameID <= 6 and r.platformID == 3 and r.langID == 0x409]  # fmt: skip
        self.tables["name"] = names.compile(parsed)
        self.tables["post"] = b"\x00\x03\x00\x00" + self.tables["post"][4:32]  # no names

    def program(self, codes: dict[int, tuple[str, tuple[int, ...]]]) -> bytes:
        """A font of the glyphs in `codes` (code: glyph name and the characters it shows),
        glyph i the one of code i; unused codes get empty glyphs, and the components of
        composite glyphs come after the last code."""
        order: list[int | None] = [None] * (max(codes) + 1)
        for code, (name, _) in codes.items():
            order[code] = self.glyph_ids.get(name, 0)
        slot: dict[int, int] = {}
        for code, glyph in enumerate(order):
            if glyph is not None:
                slot.setdefault(glyph, code)
        for glyph in order:  # grows as it goes: components of components
            for _, part in self.components[glyph] if glyph is not None else ():
                if part not in slot:
                    slot[part] = len(order)
                    order.append(part)
        outlines, loca, end = [], [0], 0
        for glyph in order:
            data = self.glyphs[glyph] if glyph is not None else b""
            if glyph is not None and self.components[glyph]:
                renumbered = bytearray(data)
                for at, part in self.components[glyph]:
                    struct.pack_into(">H", renumbered, at, slot[part])
                data = bytes(renumbered)
            data += b"\x00" * (-len(data) % 4)
            outlines.append(data)
            end += len(data)
            loca.append(end)
        short = end <= 0x1FFFE
        head, hhea, maxp = (bytearray(self.tables[t]) for t in ("head", "hhea", "maxp"))
        struct.pack_into(">h", head, 50, 0 if short else 1)
        struct.pack_into(">H", hhea, 34, len(order))
        struct.pack_into(">H", maxp, 4, len(order))
        tables = {t: self.tables[t] for t in _KEPT_TABLES if t in self.tables}
        tables.update(
            head=bytes(head),
            hhea=bytes(hhea),
            maxp=bytes(maxp),
            glyf=b"".join(outlines),
            loca=struct.pack(f">{len(loca)}H", *(v // 2 for v in loca)) if short
            else struct.pack(f">{len(loca)}I", *loca),
            hmtx=b"".join(self.metrics[g] if g is not None else b"\x00" * 4 for g in order),
            cmap=_cmap({chars[0]: code for code, (_, chars) in codes.items() if len(chars) == 1}),
        )  # fmt: skip
        return _sfnt(tables)


class _Output(OutputProducer):
    """fpdf2's output, but for the faces `_add_face` adds: their fonts are written here,
    with `_Face.program` as the embedded font; and each page's content stream is
    compressed by `_deflate`, which spares compressing the sample mark anew."""

    fpdf: _Pdf

    def _add_pages(self, _slice: slice = slice(0, None)) -> list[PDFPage]:
        fpdf = self.fpdf
        if not fpdf.compress:
            return super()._add_pages(_slice)
        fpdf.compress = False  # fpdf2 leaves the streams as drawn, for `_deflate` to do
        try:
            pages = super()._add_pages(_slice)
        finally:
            fpdf.compress = True
        for page in pages:
            # What PDFContentStream(contents, compress=True) would hold.
            stream = cast(PDFContentStream, page.contents)
            stream._contents = _deflate(stream._contents, fpdf.mark_ends.get(page.index(), 0))
            stream.filter = Name("FlateDecode")
            stream.length = len(stream._contents)
        return pages

    def _add_fonts(self, *args: Any, **kwargs: Any) -> dict[int, Any]:
        fonts = sorted(self.fpdf.fonts.values(), key=lambda font: font.i)
        ours = [font.fontkey in self.fpdf.faces for font in fonts]
        if not any(ours):
            return super()._add_fonts(*args, **kwargs)
        if not all(ours):
            raise NotImplementedError("a document mixes faces of its own with other fonts")
        return {font.i: self._add_face_font(cast(TTFFont, font)) for font in fonts}

    def _add_face_font(self, font: TTFFont) -> PDFFont:
        # As fpdf2 writes a TrueType font (Type0 over a CIDFontType2), but for the program.
        name = f"MPDFAA+{font.name}"
        codes = {
            code: (glyph.glyph_name, glyph.unicode if isinstance(glyph.unicode, tuple) else ())
            for glyph, code in font.subset.items()
            if glyph is not None
        }
        program = self.fpdf.faces[font.fontkey].program(codes)
        composite = PDFFont(subtype="Type0", base_font=name, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = PDFFont(subtype="CIDFontType2", base_font=name, d_w=font.desc.missing_width,
                           w=_tt_font_widths(font))  # fmt: skip
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])
        to_unicode = PDFContentStream(_to_unicode(codes))
        self._add_pdf_obj(to_unicode, "fonts")
        composite.to_unicode = to_unicode
        system = CIDSystemInfo()
        self._add_pdf_obj(system, "fonts")
        cid_font.c_i_d_system_info = system
        font.desc.font_name = Name(name)
        self._add_pdf_obj(font.desc, "fonts")
        cid_font.font_descriptor = font.desc
        cid_font.c_i_d_to_g_i_d_map = Name("Identity")  # type: ignore[assignment]
        stream = PDFFontStream(contents=program)
        self._add_pdf_obj(stream, "fonts")
        font.desc.font_file2 = stream  # type: ignore[attr-defined]
        # fpdf2 empties these class-wide caches after each output, or they would keep
        # every document's fonts alive.
        font.subset.pick.cache_clear()
        font.subset.get_glyph.cache_clear()
        return composite


# Compressors that have been fed a sample mark's bytes (and what they gave out for them),
# by level and those bytes: copied, each goes on to compress a page as if it had been fed
# the page's whole content. After it is stored a compressor is only ever copied, never fed
# again, so threads share it without a lock. The mark is the same on every page of a
# page size, so a handful suffice; should ever more turn up, the rest compress in full.
_PRIMED: dict[tuple[int, bytes], tuple[zlib._Compress, bytes]] = {}
_PRIMED_MAX = 8


def _deflate(contents: bytes, mark_end: int) -> bytes:
    """`zlib.compress(contents)` at fpdf2's level, byte for byte. The first `mark_end`
    bytes (a page's opening and its sample mark, the same on every page) are compressed
    once a worker rather than once a page: they are most of a page, and deflating them
    again cost ~1.5 ms a document."""
    level = PDFContentStream._COMPRESSION_LEVEL
    if mark_end:
        key = (level, contents[:mark_end])
        primed = _PRIMED.get(key)
        if primed is None and len(_PRIMED) < _PRIMED_MAX:
            compressor = zlib.compressobj(level)
            primed = _PRIMED.setdefault(key, (compressor, compressor.compress(key[1])))
        if primed is not None:
            compressor, head = primed
            rest = compressor.copy()
            return head + rest.compress(memoryview(contents)[mark_end:]) + rest.flush()
    return zlib.compress(contents, level=level)


def _to_unicode(codes: dict[int, tuple[str, tuple[int, ...]]]) -> bytes:
    """The ToUnicode CMap, as fpdf2 writes it: what text each code stands for."""
    chars = [
        f"<{code:04X}> <{''.join(chr(c).encode('utf-16-be').hex().upper() for c in text)}>\n"
        for code, (_, text) in codes.items()
        if text
    ]
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
        "<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{_build_cmap_blocks(chars, 'bfchar')}"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode("latin-1")


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


# The QR code. segno makes the code the tests and any scanner expect, but chooses its mask
# by scoring each of eight candidates module by module in Python: 4 ms a document. Here
# the code is made with segno's own steps, and the candidates are scored by the same
# rules, quirks included, on whole matrices at once. A matrix is laid out as bytes, a
# module a byte, each line (row, or column) ended by a byte 3 that matches nothing, and
# that string read as one integer: a shift by 8 bits sets each module beside its left
# neighbour, a shift by a line beside the one above. The result is module for module
# `segno.make(payload, error="m", micro=False)`.

_FINDER_LIKE = b"\x01\x00\x01\x01\x01\x00\x01"
_END = b"\x03"


class _Grid:
    """What scoring needs of one symbol size, worked out once: each mask pattern over the
    data region as rows and as columns, and where modules have neighbours."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.length = size * (size + 1)  # bytes in a laid-out matrix
        region = qr_encoder.make_matrix(size, size)
        qr_encoder.add_finder_patterns(region, size, size)
        qr_encoder.add_alignment_patterns(region, size, size)
        region[-8][8] = 0x1  # the dark module
        self.masks: list[tuple[int, int]] = []
        for pattern in qr_encoder.get_data_mask_functions(False):
            bits = [
                bytes(int(pattern(i, j)) if region[i][j] > 0x1 else 0 for j in range(size))
                for i in range(size)
            ]
            self.masks.append((_laid_out(bits, b"\x00"), _laid_out(_columns(bits), b"\x00")))
        # A byte 1 at each module with a neighbour on its left; and at each with neighbours
        # on its left and above, where a 2x2 block ends.
        line = b"\x00" + b"\x01" * (size - 1) + b"\x00"
        self.lefts = int.from_bytes(line * size)
        self.block_ends = int.from_bytes(b"\x00" * (size + 1) + line * (size - 1))

    def same_as_left(self, value: int) -> int:
        """A byte 1 where a module equals its left neighbour. Values are below 4, so two
        modules differ where either of the low two bits of their XOR is set."""
        differ = value ^ (value >> 8)
        return self.lefts & ~(differ | (differ >> 1))

    def runs(self, value: int) -> int:
        """N1: 3 for each run of five equal modules in a line, 1 more for each one more.
        `fifth` marks the fifth and later modules of runs; `first` the first of those."""
        same = self.same_as_left(value)
        fifth = same & (same >> 8) & (same >> 16) & (same >> 24)
        first = fifth & ~(fifth >> 8)
        return fifth.bit_count() + 2 * first.bit_count()

    def blocks(self, rows: int) -> int:
        """N2: 3 for each 2x2 block of equal modules."""
        line = 8 * (self.size + 1)
        same = self.same_as_left(rows)
        above = rows ^ (rows >> line)
        same &= (same >> line) & ~(above | (above >> 1)) & self.block_ends
        return 3 * same.bit_count()


def _laid_out(rows: list[bytes], end: bytes = _END) -> int:
    return int.from_bytes(end.join(rows) + end)


def _columns(rows: list[bytes] | tuple[bytearray, ...]) -> list[bytes]:
    return [bytes(col) for col in zip(*rows, strict=True)]


def _finder_like(lines: bytes, size: int) -> int:
    """N3 as segno counts it: 40 for each 1:1:3:1:1 pattern with four light modules on a
    side, or at either end of its line; searching on 4 modules further when not."""
    stride, count = size + 1, 0
    at = lines.find(_FINDER_LIKE)
    while at != -1:
        start = at - at % stride
        idx = at - start  # within its line
        after = idx + 7
        if (
            idx in (0, size - 7)
            or not any(lines[start + max(idx - 4, 0) : start + min(idx, size)])
            or not any(lines[start + after : start + min(after + 4, size)])
        ):
            count += 40
        else:
            after = idx + 4
        at = lines.find(_FINDER_LIKE, start + after)
    return count


def _penalty(rows: int, cols: int, grid: _Grid) -> int:
    """A masked symbol's penalty (ISO/IEC 18004 7.8.3) as segno scores it. Modules are 0,
    1, or 2 where format information is yet to be written; segno compares them as values
    (and counts a 2 twice as dark)."""
    size = grid.size
    row_bytes, col_bytes = rows.to_bytes(grid.length), cols.to_bytes(grid.length)
    score = grid.runs(rows) + grid.runs(cols) + grid.blocks(rows)
    score += _finder_like(row_bytes, size) + _finder_like(col_bytes, size)
    dark = sum(row_bytes) - 3 * size  # N4, in segno's float arithmetic
    percent = float(dark) / (size**2)
    return score + 10 * int(abs(percent * 100 - 50) / 5)


@cache
def _grid(size: int) -> _Grid:
    return _Grid(size)


def _qr_matrix(payload: str) -> tuple[bytearray, ...]:
    """What segno.make(payload, error="m", micro=False).matrix holds."""
    segments = qr_encoder.prepare_data(payload, None, None)
    error = qr_consts.ERROR_LEVEL_M
    version = qr_encoder.find_version(segments, error, eci=False, micro=False)
    error = qr_encoder.boost_error_level(version, error, segments, False)
    buff = qr_encoder.Buffer()
    ver_range = qr_encoder.version_range(version)
    for segment in segments:
        qr_encoder.write_segment(buff, segment, None, ver_range, False)
    capacity = qr_consts.SYMBOL_CAPACITY[version][error]  # type: ignore[index]
    qr_encoder.write_terminator(buff, capacity, None, len(buff))
    qr_encoder.write_padding_bits(buff, version, len(buff))
    qr_encoder.write_pad_codewords(buff, version, capacity, len(buff))
    buff = qr_encoder.make_final_message(version, error, buff)
    size = qr_encoder.calc_matrix_size(version)
    matrix = qr_encoder.make_matrix(size, size)
    qr_encoder.add_finder_patterns(matrix, size, size)
    qr_encoder.add_alignment_patterns(matrix, size, size)
    qr_encoder.add_codewords(matrix, buff, version)

    grid = _grid(size)
    rows, cols = _laid_out([bytes(row) for row in matrix]), _laid_out(_columns(matrix))
    scores = [_penalty(rows ^ by_row, cols ^ by_col, grid) for by_row, by_col in grid.masks]
    best = scores.index(min(scores))  # the first of equals, as segno
    laid = (rows ^ grid.masks[best][0]).to_bytes(grid.length)
    masked = tuple(bytearray(laid[i : i + size]) for i in range(0, grid.length, size + 1))
    qr_encoder.add_format_info(masked, version, error, best)
    qr_encoder.add_version_info(masked, version)
    return masked


def _qr_path(payload: str, size: float) -> str:
    """The code as one filled path `size` mm wide, from its upper left corner, in points:
    vectors, crisp at any zoom; each run of dark modules in a row one rectangle, with a
    hair of overlap that hides the seams some viewers draw between them. The quiet zone
    of two modules is inside `size`."""
    matrix = _qr_matrix(payload)
    xs, ys, widths, height = _qr_numbers(len(matrix), size)
    rects = [
        f"{xs[run.start()]} {y} {widths[run.end() - run.start()]} {height} re"
        for row, y in zip(matrix, ys, strict=False)
        for run in re.finditer(b"\x01+", row)
    ]
    return "\n".join(rects) + "\nf"


@cache
def _qr_numbers(modules: int, size: float) -> tuple[list[str], list[str], list[str], str]:
    """Where a code of `modules` modules a side puts its columns and rows, how wide a run of
    n modules is, and how high a row: formatted once."""
    module = size / (modules + 4) * 72 / 25.4
    return (
        [f"{(c + 2) * module:.2f}" for c in range(modules)],
        [f"{-(r + 2) * module:.2f}" for r in range(modules)],
        [f"{n * module + 0.06:.2f}" for n in range(modules + 1)],
        f"{-module - 0.06:.2f}",
    )


def _draw_qr(pdf: FPDF, path: str, x: float, y: float) -> None:
    pdf._out(f"q 1 0 0 1 {x * pdf.k:.2f} {(pdf.h - y) * pdf.k:.2f} cm 0 g\n{path}\nQ")


def _plain_text(pdf: FPDF) -> bool:
    """Whether the current text is plain: one TrueType font, no shaping, stretching,
    spacing, fallback fonts, rise, outline, underline or strike-through, the text colour
    the fill colour. Then `_measure` and `_line` write what fpdf2 would."""
    return (
        isinstance(pdf.current_font, TTFFont)
        and not pdf.text_shaping
        and pdf.font_stretching == 100
        and pdf.char_spacing == 0
        and not pdf._fallback_font_ids
        and pdf.char_vpos == CharVPos.LINE
        and pdf.text_mode == TextMode.FILL
        and not pdf.underline
        and not pdf.strikethrough
        and pdf.text_color == pdf.fill_color
        and not pdf._record_text_quad_points
    )


def _measure(pdf: FPDF) -> Callable[[str], float]:
    """pdf.get_string_width for the current font, worked out as fpdf2 does it for plain
    text (the same sum, in the same order), but without the styled fragments fpdf2 builds
    for each call, which made measuring half a document's cost."""
    font, size, k = pdf.current_font, pdf.font_size_pt, pdf.k
    if not _plain_text(pdf) or not isinstance(font, TTFFont):
        return pdf.get_string_width
    widths, alias = font.cw, pdf.str_alias_nb_pages

    def measure(text: str) -> float:
        if alias and alias in text:  # fpdf2 counts the page count's digits instead
            return pdf.get_string_width(text)
        return sum(widths[ord(c)] for c in text) * size * 0.001 / k

    return measure


def _line(pdf: FPDF, text: str, width: float, height: float, align: Align) -> None:
    """pdf.cell(width, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT),
    written to the page as fpdf2 writes plain text (the same operators and numbers), with
    fpdf2's page break, font setting and cursor; otherwise pdf.cell itself."""
    font, size, k = pdf.current_font, pdf.font_size_pt, pdf.k
    alias = pdf.str_alias_nb_pages
    if not _plain_text(pdf) or not isinstance(font, TTFFont) or (alias and alias in text):
        pdf.cell(width, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    text_width = _measure(pdf)(text)
    font_height = pdf.font_size
    pdf._perform_page_break_if_need_be(height)
    if text:
        if align == Align.R:
            dx = width - pdf.c_margin - text_width
        elif align == Align.C:
            dx = (width - text_width) / 2
        else:
            dx = pdf.c_margin
        if not pdf.current_font_is_set_on_page:
            pdf._out(pdf._set_font_for_page(font, size))
        pick = font.subset.pick
        codes = "".join(chr(code) for code in map(pick, map(ord, text)) if code)
        pdf._out(
            f"BT {(pdf.x + dx) * k:.2f} "
            f"{(pdf.h - pdf.y - 0.5 * height - 0.3 * font_height) * k:.2f} Td"
            f" ({font.escape_text(codes)}) Tj ET"
        )
    pdf._lasth = height or pdf.font_size
    pdf.x = pdf.l_margin
    pdf.y += height


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy word wrap at spaces only, so that joining the lines with single spaces gives
    back the text (fpdf2's own multi_cell is quadratic in the paragraph's length)."""
    measure = _measure(pdf)
    space = measure(" ")
    lines: list[str] = []
    for hard in text.splitlines() or [""]:
        words = hard.split()
        line: list[str] = []
        used = 0.0
        for word in words:
            w = measure(word)
            while w > width:  # a token wider than the line (a long hash) is cut
                head = word
                while len(head) > 1 and measure(head) > width:
                    head = head[: max(1, int(len(head) * width / measure(head)))]
                if line:
                    lines.append(" ".join(line))
                    line, used = [], 0.0
                lines.append(head)
                word = word[len(head) :]
                w = measure(word)
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
        _line(pdf, line, width, height, align)


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.faces: dict[str, _Face] = {}  # by font key, those `_add_face` added
        self.mark_ends: dict[int, int] = {}  # by page number, where its sample mark ends

    def output(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("output_producer_class", _Output)
        return super().output(*args, **kwargs)

    def header(self) -> None:
        if self.sample:
            _draw_sample_mark(self)
            self.mark_ends[self.page] = len(cast(bytearray, self.pages[self.page].contents))

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
    # What pdf.new_path() does, but the path is handed over as it is: new_path deep-copies
    # it, thousands of points, which cost more than the rest of a document.
    with pdf.drawing_context() as context:
        context.add_item(_diagonal_path(line, size_pt, drop, pdf.w, pdf.h), clone=False)


@cache
def _diagonal_path(line: str, size_pt: float, drop: float, w: float, h: float) -> PaintedPath:
    """The mark's shapes for one page size, built and written out once per worker: the
    thousands of points cost, built and then written into each page, as much as the rest
    of a document. Rendering only reads the path, so every document (and thread) may
    share it."""
    ops, width, upm = _outline(line, _full_fonts()["B"])
    scale = size_pt * 25.4 / 72 / upm
    angle = math.atan2(h, w)
    along = (math.cos(angle), -math.sin(angle))  # the baseline's direction on the page
    down = (math.sin(angle), math.cos(angle))  # a glyph's "down" on the page
    cx, cy = w / 2, h / 2

    def at(fx: float, fy: float) -> tuple[float, float]:
        u, v = (fx - width / 2) * scale, drop - fy * scale  # font units are y up
        return cx + u * along[0] + v * down[0], cy + u * along[1] + v * down[1]

    shapes = PaintedPath()
    for op, p in ops:
        if op == "m":
            shapes.move_to(*at(p[0], p[1]))
        elif op == "l":
            shapes.line_to(*at(p[0], p[1]))
        elif op == "c":
            shapes.curve_to(*at(p[0], p[1]), *at(p[2], p[3]), *at(p[4], p[5]))
        else:
            shapes.close()
    path = PaintedPath()
    path.style.paint_rule = PathPaintRule.FILL_NONZERO
    path.style.fill_color = "#c81e1e"
    path.style.fill_opacity = 0.2
    path.style.stroke_color = None
    # The style (its graphics state, named in each document's own resources) is still
    # rendered per page; only the points, the same on every page, are taken as written.
    path._root_graphics_context.add_item(_Written(shapes), clone=False)
    return path


class _Written:
    """A path's elements rendered once. Every element of the mark is absolute (moves,
    lines, curves, closes), so what it renders to depends on nothing the page holds."""

    def __init__(self, shapes: PaintedPath) -> None:
        self.shapes = shapes._root_graphics_context
        last: Renderable = Move(Point(0, 0))
        start = Point(0, 0)
        rendered = []
        registry = cast(ResourceCatalog, None)  # no element of a plain path registers any
        for item in self.shapes.path_items:
            text, last, start = item.render(registry, GraphicsStyle(), last, start)
            if text:
                rendered.append(text)
        self.text, self.last, self.start = " ".join(rendered), last, start

    def render(
        self, _registry: ResourceCatalog, _style: GraphicsStyle, _last: Renderable, _at: Point
    ) -> tuple[str, Renderable, Point]:
        return self.text, self.last, self.start

    def bounding_box(self, start: Point) -> tuple[BoundingBox, Point]:
        return self.shapes.bounding_box(start)

    @property
    def end_point(self) -> Point:
        return self.last.end_point


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


def _draw_page(pdf: _Pdf, page: Page, qr: str) -> None:
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
    _draw_qr(pdf, qr, qr_x, top)
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
    qr = _qr_path(payload, QR_SIZE)
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
            ground=ground_text(service, result.ground, lang),
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


def attachment_label(kind: str, file_name: str, lang: Lang) -> str:
    """A document as Annex 1 lists it: by its name in the Standard's words, then the file.
    The check admits no other kind; an application registered before it may hold one."""
    known = DOCUMENT_KINDS.get(kind)
    return f"{known.name.get(lang) if known else kind} ({file_name})"


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
            ground=ground_text(app.service, app.ground, lang),
            reason=app.reason,
            attachments=[attachment_label(d.kind, d.file_name, lang) for d in app.documents],
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
