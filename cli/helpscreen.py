"""The help screens and usage errors in the reader's language.

Typer fixes help texts when the command tree is built, and its click fixes its own words
in English; so the tree is built for one language, known before parsing (see
`cli.context.preferred_lang`), and walked here: each command's and parameter's text is
looked up in the catalogue by its path (`texts.help`), the value each takes is named in
words instead of `<str>` or a format string, and click's fixed words ("Usage:",
"Options", "Show this message and exit.") go through a formatter that translates them.
Usage errors are worded here too; click's own English sentence is the technical detail
shown with --verbose."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import typer
import typer.core
from typer._click import core as click_core
from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    ClickException,
    MissingParameter,
    NoSuchOption,
)
from typer._click.formatting import HelpFormatter

from texts import CATALOGUE, Lang, has, t

# click's fixed English words, by the catalogue code that says them.
_CLICK_WORDS = {
    "Arguments": "section_arguments",
    "Options": "section_options",
    "Commands": "section_commands",
    "env var: {var}": "extra_env",
    "default: {default}": "extra_default",
    "required": "extra_required",
    "Show this message and exit.": "help_option",
}
_lang: dict[str, Lang] = {"current": Lang.kk}


def _word(message: str) -> str:
    """Typer's gettext: its English template, or the catalogue's, placeholders unfilled."""
    code = _CLICK_WORDS.get(message)
    return CATALOGUE[code][("kk", "ru", "en").index(_lang["current"])] if code else message


class _Formatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=t("usage", _lang["current"]))

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        rows = [(term, _word(text) if text in _CLICK_WORDS else text) for term, text in rows]
        super().write_dl(rows, *args, **kwargs)


def install(lang: Lang) -> None:
    """Make this process's help screens speak `lang`."""
    _lang["current"] = lang
    typer.core._ = _word
    click_core.Context.formatter_class = _Formatter


def _first(*codes: str, lang: str) -> str | None:
    return next((t(code, lang) for code in codes if has(code)), None)


def _no_type(ctx: Any) -> None:
    # An argument's name already says what it is; `<str>` after it says nothing more.
    return None


def localize(cmd: Any, lang: Lang, path: tuple[str, ...] = ()) -> None:
    """Put the catalogue's texts on a built command tree (see the module's docstring)."""
    key = ".".join(path) or "root"
    cmd.rich_markup_mode = None  # plain click help: the formatter above translates it
    cmd.help = _first(f"help.{key}", lang=lang)
    cmd.short_help = cmd.help.split("\n")[0] if cmd.help else None
    if not path:
        cmd.epilog = t("help.root.epilog", lang)
    cmd.options_metavar = t("options_metavar", lang)
    if hasattr(cmd, "subcommand_metavar"):
        cmd.subcommand_metavar = t("command_metavar", lang)
    for param in cmd.params:
        param.help = _first(f"help.{key}.{param.name}", f"help.param.{param.name}", lang=lang)
        metavar = _first(f"metavar.{key}.{param.name}", f"metavar.{param.name}", lang=lang)
        if metavar and not getattr(param, "is_flag", False):
            param.metavar = metavar
        if param.param_type_name == "argument":
            param.display_type_rich = _no_type
    for name, sub in (getattr(cmd, "commands", None) or {}).items():
        localize(sub, lang, (*path, name))


def build(app: typer.Typer, lang: Lang) -> Any:
    install(lang)
    command = typer.main.get_command(app)
    localize(command, lang)
    return command


class Bad(BadParameter):
    """A parameter refused with a message already in the reader's language."""


_QUOTED = re.compile(r"'([^']*)'|^(-?\d+)\b")


def _param_name(param: Any) -> str:
    if param is None:
        return "?"
    if param.param_type_name == "argument":
        return str(param.metavar or param.name.upper())
    return str(max(param.opts, key=len))


def _bad_value(e: BadParameter, lang: str) -> str:
    name = e.param_hint if isinstance(e.param_hint, str) else _param_name(e.param)
    if isinstance(e, Bad):
        return f"{name}: {e.message}"
    found = _QUOTED.search(e.message)
    value = f" «{found.group(1) or found.group(2)}»" if found else ""
    expected = getattr(e.param, "metavar", None) or "?"
    return t("err_bad_value", lang, param=name, value=value, expected=expected)


def _message(e: ClickException, lang: str) -> str:
    if isinstance(e, NoSuchOption):
        return t("err_no_option", lang, option=e.option_name)
    if isinstance(e, MissingParameter):
        return t("err_missing", lang, what=_param_name(e.param))
    if isinstance(e, BadParameter):
        return _bad_value(e, lang)
    if isinstance(e, BadOptionUsage) and "requires an argument" in e.message:
        return t("err_needs_value", lang, option=e.option_name)
    if found := re.match(r"No such command '(.+)'", e.message):
        return t("err_no_command", lang, name=found.group(1))
    if found := re.match(r"Got unexpected extra arguments? \((.*)\)", e.message):
        return t("err_extra", lang, args=found.group(1))
    return t("err_usage", lang)


def usage_error(e: ClickException, lang: str, verbose: bool) -> list[str]:
    """What to print for a usage error: the usage line, what is wrong, where help is."""
    ctx = getattr(e, "ctx", None)
    lines = [ctx.get_usage()] if ctx is not None else []
    lines.append(t("err_prefix", lang) + _message(e, lang))
    if verbose and not isinstance(e, Bad):
        lines.append(t("detail", lang, detail=e.format_message()))
    if ctx is not None:
        lines.append(t("err_try_help", lang, command=ctx.command_path))
    return lines
