from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from models.application import application_json_schema
from rules import regulation
from rules.check import MAX_APPLICATION_BYTES
from tests.test_check import EXAMPLES, FINDING_EXAMPLES, INVALID_EXAMPLES

ROOT = Path(__file__).resolve().parent.parent
VALID = EXAMPLES / "deferral-5-student.json"
# Wide enough that rich does not fold document codes across lines.
# English unless a test asks for another language: the texts asserted below are English.
runner = CliRunner(env={"COLUMNS": "250", "SHAQYRU_LANG": "en", "SHAQYRU_ROSTER": None})


def test_valid_file() -> None:
    result = runner.invoke(app, ["check", str(VALID)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout


@pytest.mark.parametrize("name", sorted(INVALID_EXAMPLES))
def test_invalid_file_lists_every_problem(name: str) -> None:
    result = runner.invoke(app, ["check", str(EXAMPLES / name)])
    assert result.exit_code == 2
    assert f"{len(INVALID_EXAMPLES[name])} problem(s)" in result.stdout
    for field, rule in INVALID_EXAMPLES[name]:
        assert f"[{field}; {rule}]" in result.stdout


@pytest.mark.parametrize("name", sorted(INVALID_EXAMPLES))
def test_json_output(name: str) -> None:
    result = runner.invoke(app, ["check", "--json", str(EXAMPLES / name)])
    assert result.exit_code == 2
    problems = json.loads(result.stdout)["problems"]
    assert {(p["field"], p["rule"]) for p in problems} == INVALID_EXAMPLES[name]
    assert all(set(p) == {"field", "rule", "kk", "ru", "en"} for p in problems)


def test_json_output_when_valid() -> None:
    result = runner.invoke(app, ["check", "--json", str(VALID)])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"problems": [], "findings": []}


@pytest.mark.parametrize("name", sorted(FINDING_EXAMPLES))
def test_findings_are_warnings_not_problems(name: str) -> None:
    result = runner.invoke(app, ["check", str(EXAMPLES / name)])
    assert result.exit_code == 0, result.output
    assert "the application is valid" in result.stdout
    assert "finding(s) for the commission to weigh" in result.stdout
    for code in FINDING_EXAMPLES[name]:
        assert "warning: " in result.stdout and f"[{code}]" in result.stdout
    found = json.loads(runner.invoke(app, ["check", "--json", str(EXAMPLES / name)]).stdout)
    assert found["problems"] == []
    assert [f["code"] for f in found["findings"]] == FINDING_EXAMPLES[name]
    assert all(set(f) == {"code", "params", "kk", "ru", "en"} for f in found["findings"])


def test_stdin() -> None:
    result = runner.invoke(app, ["check", "-"], input=VALID.read_bytes())
    assert result.exit_code == 0, result.output
    female = (EXAMPLES / "deferral-4-finding-female.json").read_bytes()
    result = runner.invoke(app, ["check", "-", "--json"], input=female)
    assert result.exit_code == 0
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["iin.sex"]
    bad = (EXAMPLES / "deferral-5-invalid-check-digit.json").read_bytes()
    result = runner.invoke(app, ["check", "-", "--json"], input=bad)
    assert result.exit_code == 2
    assert [p["rule"] for p in json.loads(result.stdout)["problems"]] == ["iin.check_digit"]


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--lang", "kk"], {}, "ескерту: ЖСН әйел адамға тиесілі"),
        (["--lang", "ru"], {}, "внимание: ИИН принадлежит женщине"),
        ([], {"SHAQYRU_LANG": "ru"}, "внимание: ИИН принадлежит женщине"),
        ([], {"SHAQYRU_LANG": "kk"}, "ескерту: ЖСН әйел адамға тиесілі"),
        (["--lang", "en"], {"SHAQYRU_LANG": "kk"}, "warning: The IIN is a woman's"),
        ([], {"SHAQYRU_LANG": "en"}, "warning: The IIN is a woman's"),
    ],
)
def test_language(args: list[str], env: dict[str, str], expected: str) -> None:
    path = str(EXAMPLES / "deferral-4-finding-female.json")
    result = runner.invoke(app, ["check", path, *args], env=env)
    assert result.exit_code == 0
    assert expected in result.stdout


@pytest.mark.parametrize(
    ("name", "lang", "says"),
    [
        ("absent.json", "en", "cannot read the file"),
        (".", "ru", "не удалось прочитать файл"),
        ("absent.json", "kk", "файлды оқу мүмкін болмады"),
    ],
)
def test_unreadable_file(tmp_path: Path, name: str, lang: str, says: str) -> None:
    path = str(tmp_path / name)
    result = runner.invoke(app, ["check", path, "--lang", lang])
    assert result.exit_code == 2
    assert f"{path}: {says}" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_unusable_roster(tmp_path: Path) -> None:
    (tmp_path / "roster.json").write_text("{}", encoding="utf-8")
    result = runner.invoke(app, ["check", str(VALID), "--roster", str(tmp_path / "roster.json")])
    assert result.exit_code == 2
    assert "the roster file is not usable" in result.stderr


def test_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.read_bytes())
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "the application is valid" in result.stdout


@pytest.mark.parametrize(
    ("content", "rule", "says"),
    [
        (b" " * (MAX_APPLICATION_BYTES + 1), "application.too_large", "larger than 256 KiB"),
        (b"[" * 100_000 + b"]" * 100_000, "schema.depth", "nested deeper than 8 levels"),
    ],
)
def test_oversized_input(tmp_path: Path, content: bytes, rule: str, says: str) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(content)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2, result.output
    assert f"[-; {rule}]" in result.stdout and says in result.stdout


def test_help_documents_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import run

    assert run(["--help", "--lang", "en"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Exit status: 0 done" in text and "2 bad usage or input" in text


def test_other_roster(tmp_path: Path) -> None:
    roster = json.loads((ROOT / "rules" / "data" / "roster-sample.json").read_bytes())
    roster["districts"] = [d for d in roster["districts"] if d["code"] != "astana-esil"]
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(roster), encoding="utf-8")
    result = runner.invoke(app, ["check", "--json", "--roster", str(path), str(VALID)])
    assert result.exit_code == 2
    assert [p["rule"] for p in json.loads(result.stdout)["problems"]] == ["district.unknown"]
    result = runner.invoke(app, ["check", str(VALID)], env={"SHAQYRU_ROSTER": str(path)})
    assert result.exit_code == 2


# --- rules and schema -------------------------------------------------------------------


def test_rules_json() -> None:
    result = runner.invoke(app, ["rules", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_service = {s["service"]: s for s in data["services"]}
    assert len(by_service["deferral"]["grounds"]) == 13
    assert len(by_service["exemption"]["grounds"]) == 7
    assert by_service["exemption"]["law_article"] == 36
    g5 = by_service["deferral"]["grounds"][4]
    assert [d["code"] for d in g5["required"]] == ["study_certificate"]
    assert data["acceptance_periods"] == [
        {"start": "03-01", "end": "06-30"},
        {"start": "09-01", "end": "12-30"},
    ]


def test_rules_json_one_service() -> None:
    result = runner.invoke(app, ["rules", "--json", "--service", "exemption"])
    assert [s["service"] for s in json.loads(result.stdout)["services"]] == ["exemption"]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_rules_table(lang: str) -> None:
    result = runner.invoke(app, ["rules", "--lang", lang])
    assert result.exit_code == 0, result.output
    for code in regulation.DOCUMENT_KINDS:
        assert f"[{code}]" in result.stdout
    assert regulation.DEFERRAL.name.get(lang) in result.stdout  # type: ignore[arg-type]
    assert regulation.EXEMPTION.name.get(lang) in result.stdout  # type: ignore[arg-type]


def test_schema_command() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == application_json_schema()


def test_schema_file_is_current() -> None:
    written = json.loads((ROOT / "docs" / "application.schema.json").read_bytes())
    assert written == application_json_schema(), (
        "run: shaqyru schema -o docs/application.schema.json"
    )


# --- the installed command --------------------------------------------------------------


def _shaqyru() -> str:
    found = shutil.which("shaqyru", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("the shaqyru command is not installed: pip install -e '.[test]'")
    return found


@pytest.mark.parametrize(
    ("path", "code"),
    [(VALID, 0), (EXAMPLES / "exemption-6-invalid-unknown-district.json", 2)],
)
def test_installed_command_exit_codes(path: Path, code: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAQYRU_")}
    done = subprocess.run(
        [_shaqyru(), "check", "--json", str(path)],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == code, done.stderr
    problems = json.loads(done.stdout)["problems"]
    assert [p["rule"] for p in problems] == ([] if code == 0 else ["district.unknown"])
