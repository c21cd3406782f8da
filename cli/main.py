"""Entry point of the `shaqyru` command. Each group of commands lives in its own module
and registers itself here."""

from __future__ import annotations

import os
import sys

import typer

from cli import calendar_cmd, cases, check_cmd, documents_cmd, rules_cmd, sample_cmd

app = typer.Typer(
    name="shaqyru",
    help="Conscription deferral and exemption: applications, decisions, documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Conscription deferral and exemption: applications, decisions, documents."""


for module in (check_cmd, rules_cmd, calendar_cmd, sample_cmd, cases, documents_cmd):
    module.register(app)


def main() -> None:
    code = 0
    try:
        app()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    sys.stderr.flush()
    # The Temporal client's runtime can crash at interpreter exit (sdk-python #300).
    os._exit(code)


if __name__ == "__main__":
    main()
