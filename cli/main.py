"""Entry point of the `shaqyru` command. Each group of commands lives in its own module
and registers itself here; the tree is built for the reader's language (cli.helpscreen)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer.exceptions import Abort

from cli import (
    actions,
    audit_cmd,
    calendar_cmd,
    cases,
    check_cmd,
    complaint_cmd,
    context,
    db_cmd,
    documents_cmd,
    helpscreen,
    keys_cmd,
    keys_dev_cmd,
    rules_cmd,
    sample_cmd,
)
from texts import Lang, t

# The caseworkers' development keys sit with the encryption keys: `shaqyru keys dev init`.
keys_cmd.keys_app.add_typer(keys_dev_cmd.keys_dev_app, name="dev")


def _root(
    verbose: bool = typer.Option(False, "--verbose"), lang: context.LangOpt = Lang.kk
) -> None:
    """--verbose and --lang are taken from anywhere on the line before parsing (cli.context);
    declared here too, so that they are listed and accepted before a command's name."""


def make_app() -> typer.Typer:
    app = typer.Typer(
        name="shaqyru",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    app.callback()(_root)
    for module in (audit_cmd, check_cmd, rules_cmd, calendar_cmd, sample_cmd, cases, actions):
        module.register(app)
    for module in (documents_cmd, keys_cmd, db_cmd, complaint_cmd):
        module.register(app)
    return app


def _without_lang(argv: Sequence[str]) -> tuple[list[str], str | None]:
    """The line without its --lang, and the value given: every command then reads it from
    SHAQYRU_LANG, those without a --lang of their own included."""
    rest, chosen, skip = [], None, False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
        elif arg == "--lang" and i + 1 < len(argv):
            chosen, skip = argv[i + 1], True
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
        else:
            rest.append(arg)
    return rest, chosen


def run(argv: Sequence[str]) -> int:
    """Run one command line; its exit status."""
    verbose = "--verbose" in argv
    argv, chosen = _without_lang([a for a in argv if a != "--verbose"])
    before = os.environ.get("SHAQYRU_LANG")
    if chosen is not None:
        os.environ["SHAQYRU_LANG"] = chosen
    try:
        return _run(argv, verbose)
    finally:
        # The choice is this command line's: a process that runs several (the tests'
        # fork server, a caller of `run`) starts each from the environment again.
        context.choose(None, False)
        if before is None:
            os.environ.pop("SHAQYRU_LANG", None)
        else:
            os.environ["SHAQYRU_LANG"] = before


def _run(argv: list[str], verbose: bool) -> int:
    lang = context.preferred_lang(argv)
    context.choose(lang, verbose)
    command = helpscreen.build(make_app(), lang)
    try:
        done = command.main(args=argv, prog_name="shaqyru", standalone_mode=False)
    except NoArgsIsHelpError as e:
        typer.echo(e.ctx.get_help())
        return 0
    except ClickException as e:
        for line in helpscreen.usage_error(e, lang, verbose):
            typer.echo(line, err=True)
        return e.exit_code
    except context.Fail as f:  # a check made before a command's own body runs
        context.report(f, lang)
        return f.code
    except Abort:
        typer.echo(t("err_aborted", lang), err=True)
        return 1
    return done if isinstance(done, int) else 0


def main() -> None:
    try:
        code = run(sys.argv[1:])
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    sys.stderr.flush()
    # The Temporal client's runtime can crash at interpreter exit (sdk-python #300).
    os._exit(code)


app = make_app()
"""The untranslated tree, for tests that drive one command through typer's CliRunner."""

if __name__ == "__main__":
    main()
