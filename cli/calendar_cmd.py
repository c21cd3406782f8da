"""`shaqyru calendar`: ask the working-time calendar when an application is accepted and
when a limit of working days runs out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from rules import calendar
from rules.timezone import ALMATY

MOMENT_HELP = (
    "ISO-8601 moment, e.g. 2025-03-21T19:00:00+05:00 or 2025-03-21T14:00:00Z. "
    "Without an offset it is read as Almaty local time."
)

calendar_app = typer.Typer(
    name="calendar",
    help="Working-time calendar of the commission (Mon-Fri 09:00-13:00, 14:30-18:30, Almaty).",
    no_args_is_help=True,
)


def parse_moment(text: str, param_hint: str = "MOMENT") -> datetime:
    """An aware datetime from ISO-8601 text; naive text is Almaty local time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not an ISO-8601 moment (e.g. 2025-03-21T19:00:00+05:00)",
            param_hint=param_hint,
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ALMATY)
    if not calendar.FIRST_YEAR <= moment.astimezone(ALMATY).year <= calendar.LAST_YEAR:
        raise typer.BadParameter(
            f"{text!r} is outside the calendar's years {calendar.FIRST_YEAR}-{calendar.LAST_YEAR}",
            param_hint=param_hint,
        )
    return moment


@calendar_app.command("accept")
def accept(
    moment: Annotated[str, typer.Argument(metavar="MOMENT", help=MOMENT_HELP, show_default=False)],
) -> None:
    """Print the moment an application submitted at MOMENT is accepted."""
    typer.echo(calendar.acceptance_moment(parse_moment(moment)).isoformat())


@calendar_app.command("due")
def due(
    moment: Annotated[str, typer.Argument(metavar="MOMENT", help=MOMENT_HELP, show_default=False)],
    working_days: Annotated[
        int,
        typer.Option(
            "--working-days",
            "-n",
            min=0,
            max=3650,
            help="Limit in working days of 8 working hours, counted from acceptance.",
        ),
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
