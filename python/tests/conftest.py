"""A real world process per test (started like the orchestrator starts it), and helpers to read what it saw."""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = Path(__file__).with_name("world_host.mjs")


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH: the kit's tests run against ordeal's real world, a Node.js process")
    if not (ROOT / "dist/harness/world/main.js").exists():
        pytest.fail(f"{ROOT / 'dist'} has no world: build it first with `npx tsc -p tsconfig.json`")
    return node


class World:
    """A running world: its URL, its run folder, and every message it sent the orchestrator."""

    def __init__(self, run_dir: Path, scenario: str) -> None:
        self.run_dir = run_dir
        self.proc = subprocess.Popen([_node(), str(HOST), "--world", str(run_dir), scenario], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()
        ready = self.wait_for(lambda m: m.get("kind") == "ready", 20)
        self.url = f"http://127.0.0.1:{ready['port']}"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.strip():
                self.messages.put(json.loads(line))

    def wait_for(self, match: Any, timeout_s: float = 10) -> dict[str, Any]:
        """The first message (seen or to come) that matches."""
        for m in self.seen:
            if match(m):
                return m
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                m = self.messages.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(m)
            if match(m):
                return m
        raise AssertionError(f"the world sent no matching message within {timeout_s} s; it sent {self.seen}")

    def drain(self, settle_s: float = 0.3) -> list[dict[str, Any]]:
        """Every message so far, after a short pause for ones in flight."""
        time.sleep(settle_s)
        while True:
            try:
                self.seen.append(self.messages.get_nowait())
            except queue.Empty:
                return self.seen

    def ops(self, f: str) -> list[dict[str, Any]]:
        return [m["op"] for m in self.drain() if m.get("kind") == "op" and m["op"].get("f") == f]

    def send(self, msg: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()

    def arm(self, faults: list[dict[str, Any]], timeout_s: float = 10) -> None:
        """Arms faults and returns once the world has them: the message goes down a pipe, and an HTTP request sent
        right after it may otherwise reach the world first."""
        self.send({"kind": "arm", "faults": faults})
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{self.url}/state", timeout=5) as res:
                if len(json.load(res)["faults"]["armed"]) >= len(faults):
                    return
            time.sleep(0.01)
        raise AssertionError(f"the world did not arm {faults} within {timeout_s} s")

    def jsonl(self, name: str) -> list[dict[str, Any]]:
        f = self.run_dir / name
        return [json.loads(line) for line in f.read_text().splitlines() if line.strip()] if f.exists() else []

    def stop(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path, os.environ.get("ORDEAL_KIT_SCENARIO", "refund-agent"))
    try:
        yield w
    finally:
        w.stop()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "workspace"
    ws.mkdir()
    return ws


def harness_definitions() -> dict[str, Any]:
    """harness/agent's tool schemas and default system prompt, as the JavaScript workers have them."""
    out = subprocess.run([_node(), str(HOST), "--schemas"], capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result
