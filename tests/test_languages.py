"""Every help screen and every error a command can give without a server speaks one
language: the one chosen, with codes, ids and proper names aside. With the server down,
every case command exits 3 and says how to start it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli import helpscreen
from cli.main import make_app, run
from texts import LANGS

_CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+")
# An ASCII word standing alone: not part of an option, a path, an id or a code.
_WORD = re.compile(r"(?<![\w./<>@'«-])[A-Za-z]{3,}(?![\w./>'»-])")
_CODES = {
    "shaqyru", "Temporal", "JSON", "PDF", "CMS", "SHA", "PKCS", "Almaty", "Asia", "UTC",
    "agree", "refuse", "grant", "deferral", "exemption", "upheld", "dismissed", "VALID",
    "INVALID", "EGOV", "Law", "APP",
}  # fmt: skip


def _commands() -> list[tuple[str, ...]]:
    def walk(cmd, path=()) -> Iterator[tuple[str, ...]]:  # type: ignore[no-untyped-def]
        yield path
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            yield from walk(sub, (*path, name))

    return list(walk(helpscreen.build(make_app(), LANGS[2])))


COMMANDS = _commands()
NAMES = {name for path in COMMANDS for name in path}


def foreign(text: str, lang: str) -> list[str]:
    if lang == "en":
        return _CYRILLIC.findall(text)
    return [w for w in _WORD.findall(text) if w not in _CODES and w not in NAMES]


def shaqyru(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = run(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "shaqyru")
def test_help_is_in_one_language(capsys, lang: str, path: tuple[str, ...]) -> None:
    code, text = shaqyru(capsys, *path, "--help", "--lang", lang)
    assert code == 0, text
    assert not foreign(text, lang), (foreign(text, lang), text)
    assert "<str>" not in text and "<bool>" not in text and "%Y" not in text


ERRORS = [
    ["vote", "X", "agree"],
    ["vote", "X", "maybe", "--as", "esil-m1"],
    ["vote", "X", "refuse", "--ground", "3", "--as", "esil-m1"],
    ["decide", "X", "grant", "--until", "30.06.2027", "--as", "esil-chair"],
    ["inbox", "--as", "Robert'); DROP"],
    ["show", "a b"],
    ["show"],
    ["show", "X", "--bogus"],
    ["no-such-command"],
    ["forward", "X", "--as"],
    ["check", "/no/such/file.json"],
    ["submit", "/no/such/file.json"],
    ["calendar", "accept", "soon"],
    ["calendar", "due", "2025-03-03T10:00", "--working-days", "-1"],
    ["sample", "no-such-example"],
    ["verify", "/no/such.pdf"],
    ["documents", "X", "--out", "/dev/null"],
    ["audit", "X", "--history", "/no/such.json"],
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("args", ERRORS, ids=" ".join)
def test_errors_are_in_one_language(capsys, lang: str, args: list[str]) -> None:
    code, text = shaqyru(capsys, *args, "--lang", lang)
    assert code == 2, text
    assert not foreign(text, lang), (foreign(text, lang), text)
    assert "Traceback" not in text


CASE_COMMANDS = [
    ["inbox", "--as", "esil-m1"],
    ["overdue"],
    ["show", "X"],
    ["history", "application-X"],
    ["forward", "X", "--as", "esil-chair"],
    ["vote", "X", "agree", "--as", "esil-m1"],
    ["decide", "X", "grant", "--until", "2027-06-30", "--as", "esil-chair"],
    ["sign", "X", "--as", "esil-chair"],
    ["audit", "X"],
    ["complaint", "show", "C-1"],
    ["complaint", "satisfy", "C-1", "--reason", "Анықтама жарамды", "--as", "esil-chair"],
    ["complaint", "pass", "C-1", "--as", "esil-chair"],
    ["complaint", "decide", "C-1", "upheld", "--reason", "Анықтама жарамды", "--as", "reviewer"],
    # The portal's two: what they send is read and checked first, then the server is asked.
    ["submit", "{application}"],
    ["complaint", "file", "{complaint}", "--reviewer", "region-reviewer"],
]


@pytest.fixture
def server_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """No server at the address; a well-formed application and complaint to send it."""
    import json

    import codec
    from tests.test_cli_cases import EXAMPLE, recent_working_moment

    monkeypatch.setenv("TEMPORAL_ADDRESS", "127.0.0.1:1")
    monkeypatch.setenv("SHAQYRU_DATA", str(tmp_path))
    monkeypatch.setenv("SHAQYRU_KEYRING", str(tmp_path / "keyring.json"))
    codec.KeyFile(tmp_path / "keyring.json").create()
    application = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    application["submitted_at"] = recent_working_moment().isoformat()
    complaint = {
        "complaint_id": "C-1", "application_id": application["application_id"],
        "act": "refusal", "text": "Анықтама жарамды.", "filed_at": "2026-04-14T10:00:00+05:00",
    }  # fmt: skip
    files = {"application": tmp_path / "application.json", "complaint": tmp_path / "complaint.json"}
    for name, data in (("application", application), ("complaint", complaint)):
        files[name].write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return {name: str(path) for name, path in files.items()}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("args", CASE_COMMANDS, ids=" ".join)
def test_a_server_that_is_down(
    capsys, server_down: dict[str, str], lang: str, args: list[str]
) -> None:
    args = [a.format(**server_down) for a in args]
    code, text = shaqyru(capsys, *args, "--lang", lang)
    assert code == 3, text
    assert "./scripts/up" in text and "127.0.0.1:1" in text
    assert not foreign(text, lang), (foreign(text, lang), text)
    code, text = shaqyru(capsys, *args, "--lang", lang, "--verbose")
    assert code == 3 and len(text.splitlines()) > 2, text


@pytest.mark.parametrize("lang", LANGS)
def test_the_operators_commands_speak_the_language_too(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("SHAQYRU_KEYRING", str(tmp_path / "none" / "keyring.json"))
    code, text = shaqyru(capsys, "keys", "list", "--lang", lang)
    assert code == 2 and not foreign(text, lang), text
    monkeypatch.setenv("SHAQYRU_KEYRING", str(tmp_path / "keyring.json"))
    code, text = shaqyru(capsys, "keys", "create", "--lang", lang)
    assert code == 0 and not foreign(text, lang), text
    url = f"postgresql+psycopg://u:s3cret@/x?host={tmp_path}"
    monkeypatch.setenv("SHAQYRU_DATABASE_URL", url)
    code, text = shaqyru(capsys, "db", "status", "--lang", lang, "--verbose")
    assert code == 3 and "s3cret" not in text, text
    # The URL first, the driver's own words after: the sentence between is the reader's.
    assert not foreign(text.splitlines()[0].partition(": ")[2], lang), text
