"""The one text catalogue: every code in the three languages, and every text a command
looks up given all the values its placeholders need."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import texts
from cli.main import make_app
from texts import CATALOGUE, LANGS, Lang, t

ROOT = Path(__file__).resolve().parent.parent
_FIELDS = string.Formatter()


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in _FIELDS.parse(template) if name}


def test_one_lang() -> None:
    from documents import texts as forms
    from rules import regulation

    assert regulation.Lang is Lang and forms.Lang is Lang
    assert [str(lang) for lang in LANGS] == ["kk", "ru", "en"]


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_has_three_languages_and_renders(code: str) -> None:
    worded = CATALOGUE[code]
    assert len(worded) == 3 and all(w.strip() for w in worded), code
    names = set().union(*(_placeholders(w) for w in worded))
    values = dict.fromkeys(names, "X")
    for lang in LANGS:
        assert "{" not in t(code, lang, **values).replace("{X}", ""), (code, lang)


def test_the_command_line_texts_take_the_same_placeholders_in_each_language() -> None:
    # Refusal texts recorded in histories name some values per language (step_kk); the
    # command line's own texts do not.
    tables = (
        texts.cases.CASES,
        texts.cli.CLI,
        texts.complaints.COMPLAINTS,
        texts.help.HELP,
        texts.history.HISTORY,
        texts.signatures.SIGNATURES,
    )
    for table in (*tables, texts.domain.STEPS):
        for code, worded in table.items():
            names = [_placeholders(w) for w in worded]
            assert names[0] == names[1] == names[2], code


def _lookups() -> list[tuple[Path, int, str, set[str]]]:
    """Every `t("code", lang, name=...)` with a literal code in the command line's code."""
    found = []
    for path in sorted((ROOT / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                given = {k.arg for k in node.keywords if k.arg}
                found.append((path, node.lineno, node.args[0].value, given))
    return found


def test_every_lookup_names_a_code_and_fills_its_placeholders() -> None:
    lookups = _lookups()
    assert len(lookups) > 100
    for path, line, code, given in lookups:
        where = f"{path.name}:{line}"
        assert code in CATALOGUE, f"{where}: no text {code}"
        needed = set().union(*(_placeholders(w) for w in CATALOGUE[code]))
        assert needed == given, f"{where}: {code} needs {sorted(needed)}, given {sorted(given)}"


def test_every_command_and_parameter_has_help_in_the_catalogue() -> None:
    from cli import helpscreen

    def walk(cmd, path=()):  # type: ignore[no-untyped-def]
        yield path, cmd
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            yield from walk(sub, (*path, name))

    for lang in LANGS:
        root = helpscreen.build(make_app(), lang)
        for path, cmd in walk(root):
            assert cmd.help, (lang, path)
            for param in cmd.params:
                assert param.help, (lang, path, param.name)
                if param.param_type_name == "option" and not param.is_flag:
                    assert param.metavar, (lang, path, param.name)
