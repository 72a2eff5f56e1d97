"""The bench's bare loop in Python: bench/bare-loop/worker.ts written as a Python team would, with ordeal's worker kit.

The same loop with no framework: each model reply, and the results of each stretch of concurrent tool calls (a thread
each), are appended to a file and fdatasynced before anything that depends on them runs; a restart replays the file
and goes on. The Python adapters (LangGraph Python, Dapr Agents) are weighed against it, so that their "× bare loop" is
what the framework costs over a Python loop by hand, not what Python costs over Node.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ordeal_worker import TOOL_SCHEMAS, ToolContext, WorldClient, exit_with_parent, is_effect_tool, opening_messages, read_worker_env, run_tool, tool_args, tool_batches

#: harness/agent/loop.ts MAX_TURNS
MAX_TURNS = 200

env = read_worker_env()
exit_with_parent(env.parent_pid)
world = WorldClient(env.world_url)
task: dict[str, Any] = json.loads(os.environ.get("ORDEAL_BARE_TASK") or "{}")
if not isinstance(task.get("task"), str):
    sys.exit("bare loop: ORDEAL_BARE_TASK is not set (the bench starts this worker)")

# The journal: one JSON line per durable step; a torn last line (a crash mid-append) is cut off before appending.
path = os.path.join(env.data_dir, "bare-journal.jsonl")
created = not os.path.exists(path)
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
with open(path, "rb") as f:
    text = f.read()
whole = text[: text.rfind(b"\n") + 1]
if len(whole) != len(text):
    os.ftruncate(fd, len(whole))
journaled = [json.loads(line) for line in whole.decode().split("\n") if line]
if created:  # the new file's directory entry is durable too (once, before the first step)
    d = os.open(env.data_dir, os.O_RDONLY)
    os.fsync(d)
    os.close(d)
seq = 0


def step(run: Any) -> Any:
    global seq
    i = seq
    seq += 1
    if i < len(journaled):
        return journaled[i]
    value = run(i)
    os.write(fd, (json.dumps(value) + "\n").encode())
    os.fdatasync(fd)
    return value


def call_tool(call: dict[str, Any], s: int, k: int) -> Any:
    name = call["function"]["name"]
    key = f"{env.run_id}:{s}:{k}" if env.idempotency == "framework" and is_effect_tool(name) else None
    return run_tool(name, tool_args(call["function"].get("arguments")), ToolContext(world, env.workspace, key, s, 1))


def agent(pool: ThreadPoolExecutor) -> str:
    messages: list[Any] = [*opening_messages(task["task"], task.get("system"))]
    for _ in range(MAX_TURNS):
        reply = step(lambda _s: world.chat(messages, TOOL_SCHEMAS))
        messages.append(reply["message"])
        calls = reply["message"].get("tool_calls") or []
        if not calls:
            return str(reply["message"].get("content") or "")
        results: list[Any] = []
        for batch in tool_batches(calls, lambda c: str(c["function"]["name"]), task.get("toolCalls", "concurrent")):
            if batch.approval:
                raise RuntimeError("bare loop: it runs the bench shapes, which ask for no approval")
            # one commit for the stretch: its calls depend on nothing but the reply, so their results may share it
            results.extend(step(lambda s, b=batch: list(pool.map(lambda ck: call_tool(ck[1], s, ck[0]), enumerate(b.calls)))))
        messages.extend({"role": "tool", "tool_call_id": call["id"], "content": json.dumps(results[i], separators=(",", ":"))} for i, call in enumerate(calls))
    raise RuntimeError("bare loop: too many turns")


def main() -> None:
    world.probe("worker:ready")
    try:
        with ThreadPoolExecutor(max_workers=64) as pool:
            outcome: dict[str, Any] = {"status": "completed", "answer": agent(pool)}
    except Exception as e:  # noqa: BLE001 - the run's failure is the outcome, as worker.ts reports it
        outcome = {"status": "failed", "error": str(e)}
    os.close(fd)
    tmp = os.path.join(env.data_dir, "outcome.json.tmp")
    with open(tmp, "w") as f:
        json.dump(outcome, f)
    os.replace(tmp, os.path.join(env.data_dir, "outcome.json"))
    # a worker stays until the orchestrator stops it, as every adapter's does
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Event().wait()


if __name__ == "__main__":
    main()
