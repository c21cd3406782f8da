"""`shaqyru check FILE`: is this portal application acceptable, and if not, why; and
what the commission will weigh once its case is open (findings, shown as warnings)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

import settings
from cli.context import os_error, verbose
from rules.check import check_application, check_findings, read_application
from rules.roster import load_roster
from texts import Lang, t

INVALID_EXIT = 2
"""Exit code when the application has problems or cannot be read: bad input, as for
every command (see `shaqyru --help`)."""


LangOption = Annotated[Lang, typer.Option("--lang", envvar="SHAQYRU_LANG")]


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        file: Annotated[str, typer.Argument(show_default=False)],
        as_json: Annotated[bool, typer.Option("--json")] = False,
        lang: LangOption = Lang.kk,
        roster: Annotated[Path | None, typer.Option()] = None,
    ) -> None:
        """Findings only warn: the case opens with them and the commission weighs them."""
        try:
            raw = read_application(file)
        except OSError as e:
            typer.echo(t("cannot_read", lang, file=file, error=os_error(e, lang)), err=True)
            raise typer.Exit(INVALID_EXIT) from None
        try:
            commissions = load_roster(roster)
        except (OSError, ValueError) as e:  # pydantic's ValidationError is a ValueError
            error = (e.strerror if isinstance(e, OSError) else None) or str(e).splitlines()[0]
            name = str(roster or settings.load().roster_path)
            typer.echo(t("check_bad_roster", lang, name=name), err=True)
            if verbose():
                typer.echo(t("detail", lang, detail=error), err=True)
            raise typer.Exit(INVALID_EXIT) from None

        problems = check_application(raw, commissions)
        findings = check_findings(raw)
        name = t("stdin", lang) if file == "-" else file
        if as_json:
            both = {
                "problems": [p.model_dump() for p in problems],
                "findings": [f.model_dump() for f in findings],
            }
            typer.echo(json.dumps(both, ensure_ascii=False, indent=2))
        else:
            if problems:
                typer.echo(t("check_invalid", lang, name=name, n=len(problems)))
                for i, p in enumerate(problems, 1):
                    typer.echo(f"{i:>3}. {p.message(lang)}  [{p.field or '-'}; {p.rule}]")
            else:
                typer.echo(t("check_valid", lang, name=name))
            if findings:
                typer.echo(t("check_findings", lang, name=name, n=len(findings)))
                warning = t("check_warning", lang)
                for i, f in enumerate(findings, 1):
                    typer.echo(f"{i:>3}. {warning}: {f.message(lang.value)}  [{f.code}]")
        if problems:
            raise typer.Exit(INVALID_EXIT)
