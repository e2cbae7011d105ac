"""Many users at once: concurrent clients asking the real server over HTTP.

Starts ``vemgorvad serve`` on a free port of 127.0.0.1 (or uses ``--url`` of a running
one), then has ``--clients`` threads ask ``--questions``
questions in all (our own question file, cycled), through Gradio's HTTP API. Bounded in count and in time
(``--max-seconds``); it talks only to 127.0.0.1. Prints throughput, p50/p95/p99 latency
and errors. Target (issue 8): zero errors, p95 under 1 s with 20 clients on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "qa" / "questions.jsonl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    process = subprocess.Popen(
        [sys.executable, "-m", "vemgorvad.ui.cli", "serve", "--port", str(port), "--no-build"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return process, url
        except OSError:
            if process.poll() is not None:
                raise SystemExit(
                    "the server exited; is there a build? run `vemgorvad build`"
                ) from None
            time.sleep(0.5)
    process.kill()
    raise SystemExit("the server did not answer in 300 s")


def call_ask(url: str, question: str) -> list:
    """One question through Gradio's HTTP API (``/gradio_api/call/ask``), as any client
    would send it: post the input, then read the event stream to its ``complete`` event.
    Plain urllib keeps the load generator light, since it shares the machine's cores."""
    request = urllib.request.Request(
        f"{url}gradio_api/call/ask",
        data=json.dumps({"data": [question, "Svenska"]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        event_id = json.load(response)["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/ask/{event_id}", timeout=120) as stream:
        event = ""
        for raw in stream:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    raise RuntimeError(line[5:].strip())
                return json.loads(line[5:])
    raise RuntimeError("the event stream ended without a result")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server on 127.0.0.1 (default: start one)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--max-seconds", type=float, default=900)
    args = parser.parse_args()
    process = None
    url = args.url
    if url is None:
        process, url = start_server()
    if not url.startswith(("http://127.", "http://localhost")):
        raise SystemExit("this benchmark only talks to this machine (127.0.0.1)")
    pool = [
        json.loads(line)["question"]
        for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + args.max_seconds

    def ask(number: int) -> None:
        if time.monotonic() > stop_at:
            return
        started = time.perf_counter()
        try:
            result = call_ask(url, pool[number % len(pool)])
            ok = isinstance(result, list) and isinstance(result[-1], dict)
            error = None if ok else f"unexpected result {type(result).__name__}"
        except Exception as exc:  # a benchmark counts every failure, whatever it is
            error = f"{type(exc).__name__}: {exc}"
        took = time.perf_counter() - started
        with lock:
            if error:
                errors.append(error)
            else:
                latencies.append(took)

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as executor:
            list(executor.map(ask, range(args.questions)))
        wall = time.perf_counter() - started
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    done = len(latencies) + len(errors)
    ms = np.array(latencies) * 1000 if latencies else np.zeros(1)
    print(f"clients {args.clients}, questions asked {done} of {args.questions} in {wall:.1f} s")
    print(f"throughput {done / wall:.1f} questions/s")
    print(
        f"latency p50 {np.percentile(ms, 50):.0f} ms, p95 {np.percentile(ms, 95):.0f} ms, p99 {np.percentile(ms, 99):.0f} ms"
    )
    print(f"errors {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))


if __name__ == "__main__":
    main()
