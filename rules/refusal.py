"""Why an action is refused: a stable code and its parameters, worded in Kazakh, Russian
and English from one catalogue that each set of rules adds its texts to."""

from __future__ import annotations

from dataclasses import dataclass

CATALOGUE: dict[str, tuple[str, str, str]] = {}
"""code -> (kk, ru, en); {placeholders} are filled from the refusal's params."""


def register(texts: dict[str, tuple[str, str, str]]) -> None:
    clash = set(texts) & set(CATALOGUE)
    if any(CATALOGUE[c] != texts[c] for c in clash):
        raise ValueError(f"refusal codes worded twice: {sorted(clash)}")
    CATALOGUE.update(texts)


@dataclass(frozen=True)
class Refusal:
    code: str
    params: dict[str, str]

    def text(self, lang: str) -> str:
        kk, ru, en = CATALOGUE[self.code]
        template = {"kk": kk, "ru": ru}.get(lang, en)
        return template.format(**self.params)
