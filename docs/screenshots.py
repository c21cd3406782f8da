"""Screenshots of the Temporal UI for docs/supervisors.md, taken in a real browser.

    .venv/bin/python docs/screenshots.py [--out docs/img] [--serve]

Not a test and not in CI. It starts everything of its own, on free ports and in a
temporary folder, as scripts/up does: a Temporal dev server (SQLite) with the project's
search attributes, the codec server, the gateway stand-in and the worker. It submits a
few sample applications with the `shaqyru` command, takes two of them to the end and
leaves the others open at different steps, then opens the UI in Debian's headless
Chromium (Playwright with `executable_path`: no browser is downloaded) and saves PNGs.
With --serve it prints the UI's address and waits for Ctrl-C instead of taking
pictures. Everything it started is stopped and its folder removed when it ends."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rules import calendar  # noqa: E402
from rules.regulation import in_acceptance_period  # noqa: E402
from rules.timezone import ALMATY  # noqa: E402
from workflows.search import dev_server_flags  # noqa: E402

if TYPE_CHECKING:
    from playwright.async_api import FrameLocator, Page, ViewportSize

BIN = Path(sys.executable).parent
SHAQYRU = str(BIN / "shaqyru")
TEMPORAL = str(BIN / "temporal")
DEV_PASSWORD = "shaqyru-dev"  # what `shaqyru keys dev init` gives every development key
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
WIDE: ViewportSize = {"width": 1760, "height": 800}  # the list, with its added columns
WAIT_MS = 20_000
REASON = "Документы не подтверждают основание"  # a refusal's reason, as a caseworker types it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def roster() -> dict[str, dict[str, Any]]:
    data = json.loads((ROOT / "rules" / "data" / "roster-sample.json").read_text("utf-8"))
    return {d["code"]: d for d in data["districts"]}


class Stack:
    """The dev server, codec server, gateway stand-in and worker, each a child process."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.grpc, self.ui_port, self.codec_port = free_port(), free_port(), free_port()
        self.ui = f"http://localhost:{self.ui_port}"
        self.codec = f"http://localhost:{self.codec_port}"
        self.procs: list[subprocess.Popen[bytes]] = []
        keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
        self.env = {k: v for k, v in os.environ.items() if k in keep}
        self.env.update(
            TEMPORAL_ADDRESS=f"127.0.0.1:{self.grpc}",
            TEMPORAL_NAMESPACE="default",
            SHAQYRU_DATA=str(tmp),
            SHAQYRU_CODEC_ADDRESS=f"127.0.0.1:{self.codec_port}",
            SHAQYRU_CODEC_ORIGINS=f"{self.ui},http://127.0.0.1:{self.ui_port}",
            SHAQYRU_KEY_PASSWORD=DEV_PASSWORD,
            SHAQYRU_LANG="en",
            COLUMNS="200",
        )

    def spawn(self, *args: str, log: str) -> None:
        out = (self.tmp / f"{log}.log").open("wb")
        self.procs.append(
            subprocess.Popen(
                args,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    def start(self) -> None:
        self.cli("keys", "create")
        self.cli("keys", "dev", "init")
        self.spawn(
            TEMPORAL,
            "server",
            "start-dev",
            "--db-filename",
            str(self.tmp / "temporal.db"),
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.grpc),
            "--http-port",
            str(free_port()),
            "--metrics-port",
            str(free_port()),
            "--ui-port",
            str(self.ui_port),
            "--ui-codec-endpoint",
            self.codec,
            "--ui-disable-news-fetch",
            "--log-level",
            "warn",
            *dev_server_flags(),
            log="temporal",
        )
        self.spawn(sys.executable, "-m", "codec.server", log="codec")
        gateway = free_port()
        self.spawn(
            sys.executable,
            "-m",
            "activities.gateway_standin",
            "--port",
            str(gateway),
            log="gateway",
        )
        self.env["SHAQYRU_GATEWAY_URL"] = f"http://127.0.0.1:{gateway}/records"
        health = [TEMPORAL, "operator", "cluster", "health", "--address", f"127.0.0.1:{self.grpc}"]
        for _ in range(240):
            if subprocess.run(health, capture_output=True).returncode == 0:
                break
            time.sleep(0.5)
        else:
            raise SystemExit("the Temporal dev server did not come up: " + self.log("temporal"))
        self.spawn(sys.executable, "worker.py", log="worker")

    def token(self) -> str:
        return (self.tmp / "codec-token").read_text("utf-8").strip()

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text("utf-8", "replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        # The worker first, as scripts/up does, then the servers.
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.procs.clear()

    def cli(self, *args: str, stdin: str | None = None, check: bool = True) -> str:
        run = subprocess.run(
            [SHAQYRU, *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and run.returncode != 0:
            raise SystemExit(f"shaqyru {' '.join(args)}: exit {run.returncode}\n{run.stderr}")
        return run.stdout

    # --- cases ------------------------------------------------------------------------

    def submit(self, example: str, app_id: str, submitted_at: datetime | None = None) -> None:
        data = json.loads(self.cli("sample", example, "--id", app_id))
        if submitted_at is not None:
            data["submitted_at"] = submitted_at.isoformat()
        self.cli("submit", "-", stdin=json.dumps(data, ensure_ascii=False))

    def show(self, app_id: str) -> dict[str, Any]:
        data = json.loads(self.cli("show", app_id, "--json"))
        assert isinstance(data, dict)
        return data

    def step(self, app_id: str) -> str:
        return str(self.show(app_id)["step"])

    def service(self, app_id: str) -> str:
        return str(self.show(app_id)["service"])

    def until(self, app_id: str, *steps: str) -> None:
        for _ in range(240):
            if self.step(app_id) in steps:
                return
            time.sleep(0.5)
        raise SystemExit(f"{app_id} never reached {steps}: " + self.log("worker"))

    def review(self, app_id: str, district: str, votes: int, answer: str = "agree") -> None:
        d = roster()[district]
        self.until(app_id, "forward")
        self.cli("forward", app_id, "--as", d["chairman"]["id"])
        refusal = ["--ground", "1", "--details", REASON] if answer == "refuse" else []
        for member in d["members"][:votes]:
            self.cli("vote", app_id, answer, *refusal, "--as", member["id"])

    def decide(self, app_id: str, district: str, grant: bool, sign: bool) -> None:
        chair = roster()[district]["chairman"]["id"]
        self.until(app_id, "decide")
        if grant:
            # A deferral is granted until a date; an exemption is for good.
            until = ["--until", "2027-06-30"] if self.service(app_id) == "deferral" else []
            self.cli("decide", app_id, "grant", *until, "--as", chair)
        else:
            self.cli("decide", app_id, "refuse", "--ground", "1", "--reason", REASON, "--as", chair)
        if sign:
            self.until(app_id, "sign")
            self.cli("sign", app_id, "--as", chair)


def working_days_ago(days: int) -> datetime:
    """A working moment `days` working days back, inside an acceptance period: a case
    submitted then has run past its five-day term already."""
    moment = datetime.now(ALMATY).replace(hour=11, minute=0, second=0, microsecond=0)
    seen = 0
    while seen < days or not (
        in_acceptance_period(moment.date()) and calendar.is_working_day(moment.date())
    ):
        moment -= timedelta(days=1)
        seen += calendar.is_working_day(moment.date())
    return moment


FINISHED, REFUSED = "EGOV-2026-000101", "EGOV-2026-000102"
AT_REVIEW, AT_FORWARD = "EGOV-2026-000103", "EGOV-2026-000104"
AT_DECIDE, AT_SIGN, LATE = "EGOV-2026-000105", "EGOV-2026-000106", "EGOV-2026-000107"


def make_cases(stack: Stack) -> None:
    stack.submit("deferral-5-student", FINISHED)
    stack.submit("deferral-4-married", REFUSED)
    stack.submit("deferral-7-teacher", AT_REVIEW)
    stack.submit("exemption-1-unfit", AT_FORWARD)
    stack.submit("exemption-6-degree", AT_DECIDE)
    stack.submit("exemption-2-age27", AT_SIGN)
    stack.submit("deferral-5-student", LATE, submitted_at=working_days_ago(7))

    stack.review(FINISHED, "astana-esil", votes=3)
    stack.decide(FINISHED, "astana-esil", grant=True, sign=True)
    stack.review(REFUSED, "almaty-almaly", votes=3, answer="refuse")
    stack.decide(REFUSED, "almaty-almaly", grant=False, sign=True)
    stack.review(AT_REVIEW, "almaty-bostandyq", votes=1)
    stack.review(AT_DECIDE, "karaganda-bukhar-zhyrau", votes=99)
    stack.review(AT_SIGN, "almaty-region-talgar", votes=99)
    stack.decide(AT_SIGN, "almaty-region-talgar", grant=True, sign=False)
    stack.until(AT_SIGN, "sign")
    stack.until(FINISHED, "done")
    stack.until(REFUSED, "done")


# --- the browser ----------------------------------------------------------------------


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise SystemExit("Debian's chromium is missing: apt-get install chromium")
    return path


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--metrics-recording-only",
]


COLUMNS_OUT = ["Run ID", "Type", "Start", "End"]
COLUMNS_IN = [
    "ShaqyruStep",
    "ShaqyruDeadline",
    "ShaqyruOverdue",
    "ShaqyruWaitingFor",
    "ShaqyruDistrict",
    "ShaqyruOutcome",
]
BROWSER_SETTING = "Use my browser setting and ignore Cluster-level setting."


async def shoot(stack: Stack, out: Path) -> None:
    from playwright.async_api import async_playwright, expect

    def frame(page: Page, name: str) -> FrameLocator:
        # The UI renders summaries and details (markdown) in sandboxed frames.
        return page.frame_locator(f"iframe#user-metadata-{name}")

    async def case(page: Page, app_id: str, tab: str = "user-metadata-tab") -> None:
        await page.goto(f"{stack.ui}/namespaces/default/workflows/application-{app_id}")
        await page.get_by_test_id(tab).click()

    async def save(page: Page, name: str) -> None:
        await page.mouse.move(5, 795)  # no tooltip in the picture
        await page.wait_for_timeout(500)  # let the last render settle
        await page.screenshot(path=out / name)
        print(f"  {out / name}", flush=True)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium(), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            # A supervisor in Kazakhstan: the UI shows times in the browser's zone.
            ctx = await browser.new_context(
                viewport=VIEWPORT, timezone_id="Asia/Almaty", locale="en-US"
            )
            page = await ctx.new_page()
            page.set_default_timeout(WAIT_MS)
            expect.set_options(timeout=WAIT_MS)

            # Without the codec server's token: the UI cannot decode, and says there is
            # no summary and no details.
            await case(page, AT_REVIEW)
            await expect(page.get_by_test_id("data-encoder-status-error")).to_be_visible()
            await expect(page.get_by_text("No summary available")).to_be_visible()
            await save(page, "details-without-token.png")

            # The Codec Server settings, with a stand-in for the token in the picture.
            await page.get_by_test_id("data-encoder-status-error").click()
            await page.get_by_text(BROWSER_SETTING).click()
            endpoint = page.get_by_test_id("data-encoder-endpoint-input")
            await endpoint.fill("http://localhost:8234/<token>")
            await save(page, "codec-settings.png")
            await endpoint.fill(f"{stack.codec}/{stack.token()}")
            await page.get_by_role("button", name="Apply").click()

            # An open case: summary, details and current details, decrypted.
            await case(page, AT_REVIEW)
            await expect(frame(page, "current-details").get_by_text("Ожидается")).to_be_visible()
            await expect(frame(page, "summary").get_by_text("Отсрочка")).to_be_visible()
            await save(page, "workflow-details.png")

            # A case past its five-day term.
            await case(page, LATE)
            await expect(frame(page, "current-details").get_by_text("просрочено")).to_be_visible()
            await save(page, "overdue-case.png")

            # A finished case: its current details, then its search attributes.
            await case(page, FINISHED)
            await expect(frame(page, "summary").get_by_text("Отсрочка")).to_be_visible()
            await expect(frame(page, "current-details").get_by_text("завершено")).to_be_visible()
            await save(page, "finished-case.png")
            await case(page, FINISHED, "search-attributes-tab")
            await expect(page.get_by_text('"ShaqyruStep": "done"')).to_be_visible()
            await save(page, "finished-case-attributes.png")

            # The list's column chooser, scrolled to the project's attributes. The list
            # is wide: a wider window, and the navigation collapsed.
            await page.set_viewport_size(WIDE)
            await page.goto(f"{stack.ui}/namespaces/default/workflows")
            await page.get_by_role("button", name="Collapse Navigation").click()
            await page.get_by_test_id("workflows-summary-table-configuration-button").click()
            await page.get_by_text("Custom Search Attributes").evaluate(
                "e => e.scrollIntoView({block: 'start'})"
            )
            await save(page, "column-chooser.png")
            for column in COLUMNS_OUT:
                await page.get_by_test_id(f"orderable-list-item-{column}-remove-button").click()
            for column in COLUMNS_IN:
                await page.get_by_test_id(f"orderable-list-item-{column}-add-button").click()
            await page.get_by_test_id("drawer-close-button").click()
            await expect(page.get_by_text("bostandyq-m2")).to_be_visible()
            await save(page, "workflow-list.png")

            # One of the filters, typed in the raw query mode.
            await page.get_by_test_id("toggle-manual-query").click()
            query = page.get_by_test_id("workflow-manual-search-input")
            await query.fill('ShaqyruOverdue = true AND ExecutionStatus = "Running"')
            await query.press("Enter")
            await expect(page.get_by_text(f"application-{AT_REVIEW}")).to_have_count(0)
            await save(page, "filter-overdue.png")
        finally:
            await browser.close()


@contextmanager
def running() -> Iterator[Stack]:
    tmp = Path(tempfile.mkdtemp(prefix="shaqyru-screenshots-"))
    stack = Stack(tmp)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="docs/screenshots.py", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--serve", action="store_true", help="keep the stack up for a look")
    args = parser.parse_args()

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    # Stopped from outside (Ctrl-C, kill): the children are stopped and the folder removed.
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    with running() as stack:
        make_cases(stack)
        if args.serve:
            print(
                f"UI {stack.ui}  codec {stack.codec}/{stack.token()}  data {stack.tmp}", flush=True
            )
            try:
                signal.pause()
            except KeyboardInterrupt:
                pass
            return
        args.out.mkdir(parents=True, exist_ok=True)
        asyncio.run(shoot(stack, args.out))


if __name__ == "__main__":
    main()
