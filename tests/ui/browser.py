"""Helpers for the UI tests and the UI benchmark: the real server and a headless Chromium.

The server is started as a user starts it (``python -m vemgorvad.ui.cli serve``) over a
given build; the browser is Debian's ``/usr/bin/chromium`` driven by Python Playwright
(never ``playwright install``), with a fresh profile and no background networking.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_server(
    build_root: Path,
    timeout: float = 420.0,
    args: tuple[str, ...] = (),
    corpus: Path | None = None,
) -> Iterator[str]:
    """Start ``vemgorvad serve --no-build`` over ``build_root`` and yield its URL.

    Args:
        build_root: the build root (``VEMGORVAD_BUILD``), i.e. ``built.parent.parent``.
        timeout: how long the server may take to answer its first request.
        args: more options for ``serve`` (``--allow-upload``).
        corpus: the corpus folder (``VEMGORVAD_CORPUS``), for a server that adds to it.
    """
    port = free_port()
    env = {
        **os.environ,
        "VEMGORVAD_BUILD": str(build_root),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    if corpus is not None:
        env["VEMGORVAD_CORPUS"] = str(corpus)
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "vemgorvad.ui.cli",
                "serve",
                "--port",
                str(port),
                "--no-build",
                *args,
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + timeout
        try:
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise AssertionError(f"server exited: {log.read()[-3000:]}")
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"server did not answer within {timeout:.0f} s")
                time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def has_chromium() -> bool:
    """Whether Debian's Chromium is installed."""
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


@contextlib.contextmanager
def chromium_context(**options: Any) -> Iterator[Any]:
    """A headless Chromium (Playwright) with a fresh profile; yields the browser context."""
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="vgv-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport=options.pop("viewport", {"width": 1400, "height": 1000}),
                accept_downloads=True,
                **options,
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class RequestLog:
    """Every request a page (and its frames) makes, to check none leaves the machine."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def attach(self, context: Any) -> None:
        context.on("request", lambda request: self.urls.append(request.url))

    def off_machine(self) -> list[str]:
        """The requests to a host other than this machine (data: and blob: do not count)."""
        out = []
        for url in self.urls:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
                continue
            if (parsed.hostname or "") not in LOCAL_HOSTS:
                out.append(url)
        return out


SCREENSHOTS = Path(
    os.environ.get("VEMGORVAD_SCREENSHOTS") or Path(tempfile.gettempdir()) / "vemgorvad-screenshots"
)
"""Where each view's screenshot goes: a temporary folder, so a test run leaves the tree
clean; ``make screenshots`` points it at docs/screenshots/ to refresh the README's."""
ANSWER_TIMEOUT = 120_000  # ms; the first question also warms the model up
ACTOR = "https://w3id.org/vemgorvad/id/actor/"


class Visit:
    """One page of the app with what it asked for and any dialog it opened."""

    def __init__(self, context: Any, url: str) -> None:
        self.page = context.new_page()
        self.requests = RequestLog()
        self.page.on("request", lambda request: self.requests.urls.append(request.url))
        self.dialogs: list[str] = []

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(url, wait_until="networkidle")

    def tab(self, tab_id: str) -> None:
        self.page.click(f"button[data-tab-id={tab_id}]")

    def ask(self, question: str) -> None:
        self.tab("fraga")
        self.page.fill("#question textarea", question)
        shown = "() => ['#summary', '#passages'].map(s => document.querySelector(s)?.innerText).join('|')"
        previous = self.page.evaluate(shown)
        self.page.click("#ask")
        self.page.wait_for_function(
            f"previous => document.querySelector('#summary .vgv-summary') && ({shown})() !== previous",
            arg=previous,
            timeout=ANSWER_TIMEOUT,
        )

    def map_frame(self) -> Any:
        self.tab("karta")
        frame = self.page.frame_locator("#vgv-map-frame")
        frame.locator("body[data-ready='1']").wait_for(timeout=60_000)
        return frame

    def close(self) -> None:
        assert self.dialogs == [], f"a dialog opened: {self.dialogs}"
        assert self.requests.off_machine() == [], self.requests.off_machine()
        self.page.close()


def shoot(visit: Visit, name: str, full_page: bool = False) -> None:
    """Save what the page shows as ``SCREENSHOTS/name``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.wait_for_timeout(300)
    visit.page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)
