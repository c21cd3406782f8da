"""The Temporal UI, in a real headless Chromium (Debian's), shows a case's application
decrypted by the codec server only once the supervisor has given the server's token in
the UI's own Codec Server settings; before that it shows ciphertext.

The browser comes from Debian (scripts/test installs `chromium`), driven by Playwright
from PyPI with `executable_path`: nothing is downloaded. Screenshots of both views are
saved in the test's temporary folder (printed with -s)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import async_playwright, expect
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

import codec
from codec.server import CodecServer
from tests.helpers import application, binary, free_port
from workflows import search
from workflows.application import WORKFLOW_NAME, workflow_id

TOKEN = "ui-test-token-" + "0123456789abcdef"
BROWSER_SETTING = "Use my browser setting and ignore Cluster-level setting."
WAIT_MS = 20_000  # the UI polls and renders on its own clock; Playwright waits for text


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian's chromium is missing: apt-get install chromium (scripts/test does)")
    return path


class Ui:
    def __init__(self, env: WorkflowEnvironment, url: str, codec_url: str) -> None:
        self.env, self.url, self.codec_url = env, url, codec_url


@pytest_asyncio.fixture
async def ui(keyring: codec.KeyFile, converter: DataConverter) -> AsyncIterator[Ui]:
    ui_port, codec_port = free_port(), free_port()
    ui_url, codec_url = f"http://localhost:{ui_port}", f"http://localhost:{codec_port}"
    server = CodecServer(("127.0.0.1", codec_port), keyring, TOKEN, [ui_url])
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    # As scripts/up does: the cluster-level endpoint carries no token, for every visitor
    # of the UI can read it; each supervisor adds the token in his own browser.
    env = await WorkflowEnvironment.start_local(
        data_converter=converter,
        dev_server_existing_path=binary("temporal"),
        search_attributes=search.ALL,
        ui=True,
        ui_port=ui_port,
        dev_server_extra_args=["--ui-codec-endpoint", codec_url],
    )
    try:
        yield Ui(env, ui_url, codec_url)
    finally:
        await env.shutdown()
        server.shutdown()
        server.server_close()
        thread.join()


async def test_the_ui_decrypts_the_application_only_with_the_token(ui: Ui, tmp_path: Path):
    app = application(datetime.now(UTC))
    surname, iin = app.applicant.surname, app.applicant.iin
    # No worker: the application is in the case's first event, which is all this needs.
    handle = await ui.env.client.start_workflow(
        WORKFLOW_NAME, app, id=workflow_id(app.application_id), task_queue="no-worker-here"
    )
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium(), headless=True)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1100})
            await page.goto(f"{ui.url}/namespaces/default/workflows/{handle.id}")
            card = page.get_by_test_id("input-and-result")

            # Without the token the codec server answers 401: the UI says it could not
            # decode and shows the ciphertext.
            await expect(page.get_by_test_id("data-encoder-status-error")).to_be_visible(
                timeout=WAIT_MS
            )
            await expect(card).to_contain_text("Input", timeout=WAIT_MS)
            sealed = await card.inner_text()
            assert surname not in sealed and iin not in sealed
            assert len(max(sealed.split(), key=len)) > 200  # the base64 of the ciphertext
            await page.screenshot(path=tmp_path / "1-without-token.png", full_page=True)

            # The supervisor opens the UI's Codec Server settings and gives the endpoint
            # with the token in its path (the UI sends no bearer token over http).
            await page.get_by_test_id("data-encoder-status-error").click()
            await page.get_by_text(
                "Use my browser setting and ignore Cluster-level setting."
            ).click()
            await page.get_by_test_id("data-encoder-endpoint-input").fill(f"{ui.codec_url}/{TOKEN}")
            await page.get_by_role("button", name="Apply").click()
            await page.reload()

            await expect(card).to_contain_text(surname, timeout=WAIT_MS)
            await expect(card).to_contain_text(iin, timeout=WAIT_MS)
            await page.screenshot(path=tmp_path / "2-with-token.png", full_page=True)
            print(f"screenshots: {tmp_path}")
        finally:
            await browser.close()
    await handle.terminate("browser test done")
