"""The one catalogue of everything a person reads, in Kazakh, Russian and English.

Each area keeps its table in a module of its own (or beside its rules) and registers it
here; a text is looked up by its code with `t(code, lang, **params)`. Workflow code reads
refusals from this catalogue inside Temporal's sandbox, so this package stays pure:
nothing at import but building dicts."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Lang(StrEnum):
    kk = "kk"
    ru = "ru"
    en = "en"


LANGS: tuple[Lang, ...] = (Lang.kk, Lang.ru, Lang.en)
DEFAULT = Lang.kk
"""The state language, in which the documents are issued."""

Table = dict[str, tuple[str, str, str]]
"""code -> (kk, ru, en); {placeholders} are filled from the parameters."""

CATALOGUE: Table = {}
_INDEX = {"kk": 0, "ru": 1, "en": 2}


def register(table: Table) -> None:
    """Add an area's texts; a code worded twice differently is a mistake caught at import."""
    clash = set(table) & set(CATALOGUE)
    if any(CATALOGUE[c] != table[c] for c in clash):
        raise ValueError(f"text codes worded twice: {sorted(clash)}")
    CATALOGUE.update(table)


def t(code: str, lang: str, **params: Any) -> str:
    """The text of `code` in `lang`, its placeholders filled; a language that is none of
    the three reads English, as refusals always did."""
    return CATALOGUE[code][_INDEX.get(lang, 2)].format(**params)


def has(code: str) -> bool:
    return code in CATALOGUE


def language(value: str | None) -> Lang:
    """A language from a setting, the state language when it names none of the three."""
    try:
        return Lang((value or "").strip().lower())
    except ValueError:
        return DEFAULT


# Every area's table, so that importing `texts` gives the whole catalogue.
from texts import cases, cli, complaints, domain, help, history, signatures  # noqa: E402, F401, I001
