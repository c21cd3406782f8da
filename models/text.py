"""Free text that a person typed and another person will read on a signed document.

Control characters (NUL, ESC, BEL) and invisible format characters (zero-width spaces,
bidi overrides that reorder what a reader sees) have no place in a name, an address or
a reason, and text made only of them or of spaces says nothing. Pure code: workflows
and models both use it."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field

_KEPT_CONTROLS = {"\n", "\t"}
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
"""Hangul fillers: letters to Unicode, so `isspace` and `isprintable` pass them, yet they
print as nothing; a name or a reason made of them looks empty on every screen."""

# Characters nobody can see or that steer a terminal or the direction of text: controls
# (NUL, ESC, BEL...), format characters (zero-width spaces, bidi overrides, BOM), private
# and unassigned code points, lone surrogates (a JSON escape can make them; UTF-8 cannot
# carry them), line separators; and the fillers above.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})


def hidden(c: str) -> bool:
    """A character a reader cannot see, or one that acts on the terminal or the text:
    what the applicant's check refuses, and what terminals and references are cleaned of."""
    return unicodedata.category(c) in _HIDDEN_CATEGORIES or c in BLANK_LETTERS


FIELD_SHOWN = 64
"""How much of an outsider's field name or id a refusal repeats."""


def unreadable(value: str, multiline: bool) -> str | None:
    """Why `value` is not readable text, or None when it is: `control` or `blank`."""
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cc" and not (multiline and ch in _KEPT_CONTROLS):
            return "control"
        if category in ("Cf", "Co", "Cs", "Cn") or ch in BLANK_LETTERS:
            return "control"
    if not any(not ch.isspace() for ch in value):
        return "blank"
    return None


def shown(value: object) -> str:
    """An outsider's value cut to a length a refusal may repeat, printable. Here, not in
    the workflows, so that the rules, which may not import them, repeat values alike."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(value)[: FIELD_SHOWN + 1])
    return text if len(text) <= FIELD_SHOWN else text[: FIELD_SHOWN - 1] + "…"


def _readable(multiline: bool, blank_ok: bool = False):
    def check(value: str) -> str:
        problem = unreadable(value, multiline)
        if problem == "blank" and blank_ok:
            return value
        if problem == "control":
            raise ValueError("text.control: control or invisible characters are not allowed")
        if problem == "blank":
            raise ValueError("text.blank: the text has no visible characters")
        return value

    return AfterValidator(check)


def Line(max_length: int, **kw) -> type[str]:  # noqa: N802 - reads as a type
    """One line of readable text, at most `max_length` characters."""
    return Annotated[str, Field(max_length=max_length, **kw), _readable(False)]  # type: ignore[return-value]


def Paragraph(max_length: int, blank_ok: bool = False, **kw) -> type[str]:  # noqa: N802
    """Readable text that may span lines, at most `max_length` characters. `blank_ok`
    leaves an empty text to a check that can say better what is missing."""
    return Annotated[  # type: ignore[return-value]
        str, Field(max_length=max_length, **kw), _readable(True, blank_ok)
    ]


CASEWORKER_ID = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")
]
"""A caseworker's roster id: short, lowercase, no spaces."""
