"""The real server, started as a user would start it, asked over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from gradio_client import Client

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(built) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "VEMGORVAD_BUILD": str(built.parent.parent), "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "vemgorvad.ui.cli", "serve", "--port", str(port), "--no-build"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"server exited: {process.stdout.read() if process.stdout else ''}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError("server did not answer within 180 s")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_asking_over_http_shows_the_nexus_passage(server):
    client = Client(server, verbose=False)
    summary, facts, paths, passages, answer = client.predict("Vad gör Nexus?", api_name="/ask")
    assert "Nexus är förvaltningens enhet" in passages
    assert any(p["text"].startswith("Nexus är förvaltningens enhet") for p in answer["passages"][:5])
    assert answer["answerable"] is True
    assert "Nexus" in facts


def test_server_listens_on_loopback_only(server):
    port = int(server.rsplit(":", 1)[1].strip("/"))
    with socket.socket() as s:
        s.settimeout(1)
        # The machine's other addresses must not reach it.
        hostname_ip = socket.gethostbyname(socket.gethostname())
        if hostname_ip.startswith("127."):
            pytest.skip("this machine has no address besides loopback")
        assert s.connect_ex((hostname_ip, port)) != 0


def test_markup_in_a_question_stays_inert(server):
    client = Client(server, verbose=False)
    summary, facts, paths, passages, answer = client.predict(
        "<script>alert(1)</script> Vad gör Nexus?", api_name="/ask"
    )
    for html_out in (facts, paths, passages):
        assert "<script>" not in html_out
    assert answer["question"].startswith("<script>")
