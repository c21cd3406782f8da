"""What every command shares: the language a person reads, the exit statuses, the one
way a command fails (a message, what to do next, and the technical detail only for
--verbose), and the id forms every command accepts.

Exit status: 0 done; 1 refused; 2 bad usage or input (an unknown case included); 3 the
Temporal server (or the worker behind a case) cannot be reached; 4 the case cannot be
read with the keys at hand."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import re
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from pydantic import ValidationError

import settings as config
from texts import DEFAULT, Lang, language, t
from workflows.application import workflow_id

OK, REFUSED, BAD_INPUT, UNREACHABLE, KEYS = 0, 1, 2, 3, 4

ACTOR_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")  # models.roster.Person.id
_APP_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
PREFIX = workflow_id("")

_state: dict[str, Any] = {"lang": None, "verbose": False}


def preferred_lang(argv: Sequence[str], env: dict[str, str] | None = None) -> Lang:
    """The language of a run, known before any command is parsed (help texts are built
    from it): the last `--lang` on the command line, else SHAQYRU_LANG, else Kazakh."""
    chosen = None
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            chosen = argv[i + 1]
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
    if chosen is None:
        chosen = (os.environ if env is None else env).get("SHAQYRU_LANG")
    return language(chosen)


def choose(lang: Lang | None, verbose: bool) -> None:
    _state["lang"], _state["verbose"] = lang, verbose


def current_lang() -> Lang:
    """For commands without a --lang of their own (calendar, keys, db)."""
    return _state["lang"] or preferred_lang(sys.argv[1:])


def verbose() -> bool:
    return bool(_state["verbose"])


LangOpt = Annotated[Lang, typer.Option("--lang", envvar="SHAQYRU_LANG")]
JsonOpt = Annotated[bool, typer.Option("--json")]
AllOpt = Annotated[bool, typer.Option("--all")]
# A table of thousands of rows says nothing on a screen and takes seconds to lay out:
# the soonest deadlines first, this many, unless --all.
SHOWN_ROWS = 100
ActorOpt = Annotated[str | None, typer.Option("--as", envvar="SHAQYRU_USER", show_default=False)]
AppArg = Annotated[str, typer.Argument(show_default=False)]


class Fail(Exception):
    """Ends a command: its exit status, what went wrong in the reader's language, what to
    do next, a payload for --json, and the technical detail shown only with --verbose."""

    def __init__(
        self,
        code: int,
        message: str,
        payload: dict | None = None,
        hint: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.payload = code, message, payload
        self.hint, self.detail = hint, detail


def report(f: Fail, lang: str) -> None:
    typer.echo(f.message, err=True)
    if f.hint:
        typer.echo(f.hint, err=True)
    if f.detail and verbose():
        typer.echo(t("detail", lang, detail=f.detail), err=True)
    elif f.detail:
        typer.echo(t("more_with_verbose", lang), err=True)


@dataclass(frozen=True)
class Ctx:
    lang: Lang
    as_json: bool
    settings: config.Settings


def context(lang: Lang | None, as_json: bool = False) -> Ctx:
    return Ctx(Lang(lang or DEFAULT), as_json, config.load())


def run(ctx: Ctx, work: Callable[[], Awaitable[None] | None]) -> None:
    """Run a command's body (a coroutine function or a plain one) and turn how it fails
    into a message and an exit status."""
    from codec import CodecError

    async def whole() -> None:
        done = work()
        if done is not None:
            await done

    try:
        asyncio.run(whole())
    except Fail as f:
        fail(ctx, f)
    except ValidationError as e:
        # A caseworker's own text that the command's rules refuse (too long, a control
        # character): named by its option, before anything is sent.
        fail(ctx, refused_field(ctx.lang, e))
    except CodecError as e:
        payload = {"error": "keys", "detail": str(e)}
        fail(ctx, Fail(KEYS, t("no_keys", ctx.lang), payload, t("hint_keys", ctx.lang), str(e)))


def fail(ctx: Ctx, f: Fail) -> None:
    if ctx.as_json:
        typer.echo(json.dumps(f.payload or {"error": f.message}, ensure_ascii=False))
    report(f, ctx.lang)
    raise typer.Exit(f.code)


def refused_field(lang: str, e: ValidationError) -> Fail:
    from texts import has
    from workflows.checks import rule_of

    problem = e.errors(include_url=False)[0]
    name = str(problem["loc"][0]) if problem["loc"] else ""
    field = t(f"field_{name}", lang) if has(f"field_{name}") else name
    rule = t(f"command_rule.{rule_of(problem)}", lang)
    return Fail(BAD_INPUT, t("bad_field", lang, field=field, rule=rule), detail=problem["msg"])


def app_id(raw: str, lang: str) -> str:
    """A case's id as the portal gives it; `application-<id>`, the workflow's id, is the
    same case."""
    app = raw.strip().removeprefix(PREFIX)
    if not _APP_PATTERN.match(app):
        raise Fail(BAD_INPUT, t("bad_app", lang, app=raw), hint=t("hint_check_id", lang))
    return app


def actor(raw: str | None, lang: str) -> str:
    if not raw:
        raise Fail(BAD_INPUT, t("need_actor", lang))
    if not ACTOR_PATTERN.match(raw):
        raise Fail(BAD_INPUT, t("bad_actor", lang, actor=raw))
    return raw


def os_error(e: OSError, lang: str) -> str:
    """Why a file could not be read, in the reader's words; the OS's own is the detail."""
    known = {errno.ENOENT: "os_missing", errno.EISDIR: "os_folder", errno.EACCES: "os_denied"}
    return t(known.get(e.errno or 0, "os_other"), lang)
