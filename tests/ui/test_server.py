"""The real server, started as a user would start it, asked over HTTP."""

from __future__ import annotations

import socket

import pytest
from gradio_client import Client

pytestmark = pytest.mark.slow


def test_asking_over_http_shows_the_nexus_passage(server):
    client = Client(server, verbose=False)
    _notice, _summary, facts, _graph, passages, answer = client.predict(
        "Vad gör Nexus?", "Svenska", False, api_name="/ask"
    )
    assert "Nexus är förvaltningens enhet" in passages
    assert any(
        p["text"].startswith("Nexus är förvaltningens enhet") for p in answer["passages"][:5]
    )
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
    _notice, _summary, facts, paths, passages, answer = client.predict(
        "<script>alert(1)</script> Vad gör Nexus?", "Svenska", False, api_name="/ask"
    )
    for html_out in (facts, paths, passages):
        assert "<script>" not in html_out
    assert answer["question"].startswith("<script>")
