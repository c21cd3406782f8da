"""`shaqyru rules` shows the regulation as the software holds it; `shaqyru schema` the
application format the portal must send."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.check_cmd import Lang, LangOption
from models.application import Service, application_json_schema
from rules import regulation
from texts import t

# rich is imported where the table is printed, as in cli.render: `shaqyru` imports this
# module for every command.
if TYPE_CHECKING:
    from rich.console import Console


def _rules_as_data() -> dict[str, Any]:
    def kind(code: str) -> dict[str, Any]:
        return {"code": code, "name": asdict(regulation.document_kind(code).name)}

    return {
        "services": [
            {
                "service": s.service.value,
                "name": asdict(s.name),
                "law_article": s.law_article,
                "fetched_by_provider": asdict(s.fetched_by_provider),
                "grounds": [
                    {
                        "number": g.number,
                        "name": asdict(g.name),
                        "required": [kind(c) for c in g.required],
                        "if_applicable": [kind(c) for c in g.if_applicable],
                    }
                    for g in s.grounds
                ],
                "refusal_grounds": [
                    {"number": r.number, "text": asdict(r.text)}
                    for r in regulation.refusal_grounds(s.service)
                ],
            }
            for s in regulation.SERVICES.values()
        ],
        "acceptance_periods": [
            {"start": f"{p.start[0]:02d}-{p.start[1]:02d}", "end": f"{p.end[0]:02d}-{p.end[1]:02d}"}
            for p in regulation.ACCEPTANCE_PERIODS
        ],
    }


def _print_table(service: Service | None, lang: Lang, console: Console) -> None:
    from rich.markup import escape
    from rich.table import Table

    shown = [s for s in regulation.SERVICES.values() if service in (None, s.service)]
    table = Table(show_lines=True)
    for column in ("service", "number", "ground", "documents"):
        header = t(f"rules_{column}", lang)
        # fold, not ellipsis: a cut document code would be useless to the reader.
        table.add_column(header, overflow="fold")
    for s in shown:
        article = t("rules_article", lang, n=s.law_article)
        service_cell = f"{s.name.get(lang)}\n{article}"
        for g in s.grounds:
            docs = [f"• {regulation.document_kind(c).name.get(lang)} [{c}]" for c in g.required]
            maybe = t("rules_if_applicable", lang)
            docs += [
                f"• ({maybe}) {regulation.document_kind(c).name.get(lang)} [{c}]"
                for c in g.if_applicable
            ]
            # Codes in brackets would otherwise be read as rich markup and vanish.
            cells = (service_cell, str(g.number), g.name.get(lang), "\n".join(docs) or "-")
            table.add_row(*(escape(c) for c in cells))
            service_cell = ""
    console.print(table)
    periods = ", ".join(p.label(lang) for p in regulation.ACCEPTANCE_PERIODS)
    console.print(escape(f"{t('rules_periods', lang)}: {periods}"))
    for s in shown:
        fetched = f"{t('rules_fetched', lang)}: {s.fetched_by_provider.get(lang)}"
        console.print(escape(f"{s.name.get(lang)}. {fetched}"))
        console.print(escape(f"{s.name.get(lang)}. {t('rules_refusal', lang)}:"))
        for r in regulation.refusal_grounds(s.service):
            console.print(escape(f"  {r.number}) {r.text.get(lang)}"))


def schema_text() -> str:
    """The JSON Schema exactly as written to docs/application.schema.json."""
    return json.dumps(application_json_schema(), ensure_ascii=False, indent=2) + "\n"


def register(app: typer.Typer) -> None:
    @app.command("rules")
    def rules(
        service: Annotated[Service | None, typer.Option()] = None,
        lang: LangOption = Lang.kk,
        as_json: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        """Services, grounds and the documents each ground needs, from the regulation data."""
        if as_json:
            data = _rules_as_data()
            if service is not None:
                data["services"] = [s for s in data["services"] if s["service"] == service.value]
            typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        from rich.console import Console

        _print_table(service, lang, Console())

    @app.command("schema")
    def schema(
        output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    ) -> None:
        """The JSON Schema of the application the portal sends."""
        if output is None:
            typer.echo(schema_text(), nl=False)
        else:
            output.write_text(schema_text(), encoding="utf-8")
