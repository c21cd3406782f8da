"""`shaqyru check FILE`: is this portal application acceptable, and if not, why; and
what the commission will weigh once its case is open (findings, shown as warnings)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

import settings
from rules.check import check_application, check_findings, read_application
from rules.roster import load_roster

INVALID_EXIT = 2
"""Exit code when the application has problems or cannot be read: bad input, as for
every command (see `shaqyru --help`)."""


class Lang(StrEnum):
    kk = "kk"
    ru = "ru"
    en = "en"


LangOption = Annotated[
    Lang,
    typer.Option("--lang", envvar="SHAQYRU_LANG", help="Language of the messages."),
]

_VALID = {
    "kk": "{name}: өтініш дұрыс толтырылған",
    "ru": "{name}: заявление заполнено правильно",
    "en": "{name}: the application is valid",
}
_CANNOT_READ = {
    "kk": "{name}: файлды оқу мүмкін болмады: {error}",
    "ru": "{name}: не удалось прочитать файл: {error}",
    "en": "{name}: cannot read the file: {error}",
}
_BAD_ROSTER = {
    "kk": "{name}: тізілім файлы жарамсыз: {error}",
    "ru": "{name}: файл реестра непригоден: {error}",
    "en": "{name}: the roster file is not usable: {error}",
}
_FINDINGS = {
    "kk": "{name}: комиссия ескеретін жайттар ({n}), өтінішті қабылдауға кедергі емес",
    "ru": "{name}: комиссии следует учесть ({n}); подаче заявления это не мешает",
    "en": "{name}: {n} finding(s) for the commission to weigh; they do not stop the submission",
}
_WARNING = {"kk": "ескерту", "ru": "внимание", "en": "warning"}
_INVALID = {
    "kk": "{name}: {n} қате табылды",
    "ru": "{name}: найдено проблем: {n}",
    "en": "{name}: {n} problem(s) found",
}


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        file: Annotated[str, typer.Argument(help="Application JSON file, or - for stdin.")],
        as_json: Annotated[
            bool,
            typer.Option("--json", help='Print {"problems": [...], "findings": [...]} as JSON.'),
        ] = False,
        lang: LangOption = Lang.en,
        roster: Annotated[
            Path | None,
            typer.Option(help="Roster file; default: SHAQYRU_ROSTER or the sample roster."),
        ] = None,
    ) -> None:
        """Check an application as the portal sends it; list every problem at once.

        Findings (age, sex, a document that contradicts the ground) are printed as
        warnings: the case opens with them and the commission weighs them.
        Exit 0 when valid, with or without findings; 2 when it has problems or a file
        cannot be read."""
        try:
            raw = read_application(file)
        except OSError as e:
            error = e.strerror or str(e)
            typer.echo(_CANNOT_READ[lang].format(name=file, error=error), err=True)
            raise typer.Exit(INVALID_EXIT) from None
        try:
            commissions = load_roster(roster)
        except (OSError, ValueError) as e:  # pydantic's ValidationError is a ValueError
            error = (e.strerror if isinstance(e, OSError) else None) or str(e).splitlines()[0]
            name = str(roster or settings.load().roster_path)
            typer.echo(_BAD_ROSTER[lang].format(name=name, error=error), err=True)
            raise typer.Exit(INVALID_EXIT) from None

        problems = check_application(raw, commissions)
        findings = check_findings(raw)
        name = "stdin" if file == "-" else file
        if as_json:
            both = {
                "problems": [p.model_dump() for p in problems],
                "findings": [f.model_dump() for f in findings],
            }
            typer.echo(json.dumps(both, ensure_ascii=False, indent=2))
        else:
            if problems:
                typer.echo(_INVALID[lang].format(name=name, n=len(problems)))
                for i, p in enumerate(problems, 1):
                    typer.echo(f"{i:>3}. {p.message(lang.value)}  [{p.field or '-'}; {p.rule}]")
            else:
                typer.echo(_VALID[lang].format(name=name))
            if findings:
                typer.echo(_FINDINGS[lang].format(name=name, n=len(findings)))
                for i, f in enumerate(findings, 1):
                    typer.echo(f"{i:>3}. {_WARNING[lang]}: {f.message(lang.value)}  [{f.code}]")
        if problems:
            raise typer.Exit(INVALID_EXIT)
