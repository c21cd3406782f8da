"""Why an action is refused: a stable code and its parameters, worded in Kazakh, Russian
and English from the one text catalogue (`texts`), which each set of rules adds its
refusals to."""

from __future__ import annotations

from dataclasses import dataclass

from texts import CATALOGUE, register, t

__all__ = ["CATALOGUE", "Refusal", "register"]


@dataclass(frozen=True)
class Refusal:
    code: str
    params: dict[str, str]

    def text(self, lang: str) -> str:
        return t(self.code, lang, **self.params)
