"""`shaqyru calendar`: ask the working-time calendar when an application is accepted and
when a limit of working days runs out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from cli.context import current_lang
from cli.helpscreen import Bad
from rules import calendar
from rules.timezone import ALMATY
from texts import t

calendar_app = typer.Typer(name="calendar", no_args_is_help=True)


def parse_moment(text: str, param_hint: str | None = None) -> datetime:
    """An aware datetime from ISO-8601 text; naive text is Almaty local time."""
    param_hint = param_hint or t("metavar.moment", current_lang())
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Bad(t("bad_moment", current_lang(), text=text), param_hint=param_hint) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ALMATY)
    if not calendar.FIRST_YEAR <= moment.astimezone(ALMATY).year <= calendar.LAST_YEAR:
        first, last = calendar.FIRST_YEAR, calendar.LAST_YEAR
        message = t("moment_out_of_years", current_lang(), text=text, first=first, last=last)
        raise Bad(message, param_hint=param_hint)
    return moment


@calendar_app.command("accept")
def accept(
    moment: Annotated[str, typer.Argument(metavar="MOMENT", show_default=False)],
) -> None:
    """Print the moment an application submitted at MOMENT is accepted."""
    typer.echo(calendar.acceptance_moment(parse_moment(moment)).isoformat())


@calendar_app.command("due")
def due(
    moment: Annotated[str, typer.Argument(metavar="MOMENT", show_default=False)],
    working_days: Annotated[
        int,
        typer.Option("--working-days", "-n", min=0, max=3650),
    ] = 1,
) -> None:
    """Print when a limit of N working days, counted from the acceptance of MOMENT, ends."""
    try:
        result = calendar.add_working_days(parse_moment(moment), working_days)
    except ValueError as e:
        # Only the calendar's year range can fail here; the inputs are already checked.
        raise typer.BadParameter(str(e), param_hint="'--working-days'") from None
    typer.echo(result.isoformat())


@calendar_app.command("version")
def version() -> None:
    """Print the calendar version (holidays library, override file, working-hours policy)."""
    typer.echo(calendar.calendar_version())


def register(app: typer.Typer) -> None:
    app.add_typer(calendar_app, name="calendar")
