"""The langgraph-py worker: picks up the submitted thread, resumes it after a restart, and waits on approvals."""
from __future__ import annotations

import os
import signal
import sys
import time
from typing import Any, NoReturn

from langgraph.types import Command, Send
from ordeal_worker import AgentVersion, WorldClient, agent_version, exit_with_parent, parent_alive, read_worker_env
from ordeal_worker.telemetry import ATTR, agent_span, start_worker_tracing

from .agent import AgentParts, build_app, chat_model, final_answer, initial_input
from .deploy import V1
from .handoff import read_run_request, write_failure
from .options import Options, parse_options
from .store import open_saver, report_writes
from .tools import ToolDeps, agent_tools

#: the checkpoint channel of a graph's pending `Send`s (LangGraph's TASKS constant, private since LangGraph 1.0)
PENDING_SENDS = "__pregel_tasks"


def main() -> NoReturn:
    tracing = start_worker_tracing("ordeal-worker-langgraph-py")
    env = read_worker_env()
    exit_with_parent(env.parent_pid)
    opts = parse_options(env.options)
    # version 2 (deploy): new graph or entrypoint code under the same name, resumed from the same checkpointer
    version = agent_version(os.environ, env.options)
    world = WorldClient(env.world_url)
    store = open_saver(opts, env.data_dir)
    assert store is not None
    stopping = False

    def shutdown(*_: Any) -> None:
        nonlocal stopping
        stopping = True
        try:
            store.close()
        finally:
            tracing.shutdown(1.0)  # spans ended so far reach the world before exit
            sys.exit(0)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)

    def journaled(kind: str, step: int | None, detail: dict[str, Any]) -> None:
        # a graph journals a superstep with `put`; the functional API journals each task's result with `put_writes`
        counts = kind == "putWrites" and "__return__" in detail["channels"] if opts.api == "functional" else kind == "put"
        if counts:
            world.probe("step:journaled", step=step, detail={"kind": kind, **detail})

    report_writes(store.saver, journaled)
    tools = agent_tools(ToolDeps(world, env.workspace, env.idempotency))
    app = build_app(opts.api, AgentParts(chat_model(env.world_url), tools, world, store.saver, opts.tool_calls, version), opts.nesting)

    world.probe("worker:ready")
    while (req := read_run_request(env.data_dir)) is None:
        time.sleep(0.02)
    try:
        drive(app, opts, world, req, version)
    except Exception as e:  # noqa: BLE001 - whatever stopped the thread is the run's failure
        if not stopping:
            write_failure(env.data_dir, req["threadId"], f"{type(e).__name__}: {e}")
    # stay up, as a deployed worker would, until the orchestrator stops it
    while parent_alive(env.parent_pid):
        time.sleep(0.2)
    sys.exit(0)


def drive(app: Any, o: Options, world: WorldClient, req: dict[str, Any], version: AgentVersion = V1) -> None:
    """LangGraph's documented resume: the thread's last checkpoint tells whether to start, continue with None, or resume an interrupt."""
    config: dict[str, Any] = {"configurable": {"thread_id": req["threadId"]}, "recursion_limit": o.recursion_limit}
    nudged: Any = None
    while True:
        snap = app.get_state(config)
        at = (snap.config.get("configurable") or {}).get("checkpoint_id")
        if not snap.created_at:
            inp: Any = initial_input(o.api, req["task"], req.get("system"), o.nesting, version)
        elif not snap.next:
            if final_answer(o.api, snap, o.nesting) is not None:
                return
            # a kill after a superstep's Send tasks saved their writes, before its own checkpoint (durability=async):
            # invoke(None) applies them and goes on; only a thread that does not move from there is stuck
            if nudged == at:
                raise RuntimeError(f"langgraph: thread {req['threadId']} has nothing left to run but no final answer{why_stopped(app, config)}")
            nudged = at
            inp = None
        else:
            waits = [i for t in snap.tasks for i in t.interrupts if isinstance(i.value, dict) and i.value.get("approvalId")]
            # every pending interrupt is answered by its id (several pause at once when a turn asks twice)
            inp = Command(resume={i.id: decision(world, i.value["approvalId"]) for i in waits}) if waits else None
        resumed = bool(snap.created_at)
        # one invoke_agent span per invoke: it ends where the thread pauses for approval or finishes
        with agent_span("ordeal-agent", {"ordeal.resumed": resumed, ATTR.replayed: resumed and o.api == "functional"}):
            app.invoke(inp, config, durability=o.durability)


def why_stopped(app: Any, config: dict[str, Any]) -> str:
    """What a thread that stopped short says about itself: a pending `Send` in its last checkpoint (or a subgraph's) to a
    node the graph does not have (a graph whose node was renamed under it), which LangGraph skips with no more than a
    logged warning."""
    try:
        nodes = set(app.nodes).union(*(sub.nodes for _, sub in app.get_subgraphs(recurse=True)))
        # newest first: the first checkpoint of each namespace is its last (the subgraph's own namespace too)
        last: dict[str, Any] = {}
        for saved in app.checkpointer.list({"configurable": {"thread_id": config["configurable"]["thread_id"]}}):
            last.setdefault(saved.config["configurable"].get("checkpoint_ns", ""), saved)
    except Exception:  # noqa: BLE001 - the reason is a courtesy; the error stands without it
        return ""
    lost = [
        send
        for saved in last.values()
        for send in saved.checkpoint["channel_values"].get(PENDING_SENDS) or []
        if isinstance(send, Send) and send.node not in nodes
    ]
    if not lost:
        return ""
    names = ", ".join(dict.fromkeys(f"'{s.node}'" for s in lost))
    n = len(lost)
    return (
        f": its last checkpoint holds {n} pending Send{'' if n == 1 else 's'} to node {names}, which this graph does not have"
        f' (LangGraph skipped {"it" if n == 1 else "them"}: "Ignoring unknown node name")'
    )


def decision(world: WorldClient, approval_id: str) -> dict[str, Any]:
    """LangGraph has no server to deliver the human's answer: poll the world's approval inbox."""
    a = world.wait_for_decision(approval_id)
    values = (a.get("decision") or {}).get("values")
    return {"approved": a.get("status") == "approved", **({"values": values} if values else {})}


if __name__ == "__main__":
    main()
