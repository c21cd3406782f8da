"""Entry point of the `shaqyru` command. Each group of commands lives in its own module
and registers itself here."""

from __future__ import annotations

import os
import sys

import typer

from cli import (
    audit_cmd,
    calendar_cmd,
    cases,
    check_cmd,
    complaint_cmd,
    db_cmd,
    documents_cmd,
    keys_cmd,
    keys_dev_cmd,
    rules_cmd,
    sample_cmd,
)

EXIT_STATUS = (
    "Exit status: 0 done (check: valid); 1 refused (the case did not accept the action, the "
    "application was already submitted, a signature does not verify, the documents cannot "
    "be given); 2 bad usage or input (an invalid or unreadable application, an unknown "
    "case); 3 the Temporal server, or the worker behind a case, cannot be reached; 4 the "
    "case cannot be read with the keys at hand."
)

app = typer.Typer(
    name="shaqyru",
    help="Conscription deferral and exemption: applications, decisions, documents.",
    epilog=EXIT_STATUS,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Conscription deferral and exemption: applications, decisions, documents."""


for module in (
    audit_cmd,
    check_cmd,
    rules_cmd,
    calendar_cmd,
    sample_cmd,
    cases,
    documents_cmd,
    keys_cmd,
):
    module.register(app)
db_cmd.register(app)
complaint_cmd.register(app)
# The caseworkers' development keys sit with the encryption keys: `shaqyru keys dev init`.
keys_cmd.keys_app.add_typer(keys_dev_cmd.keys_dev_app, name="dev")


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
