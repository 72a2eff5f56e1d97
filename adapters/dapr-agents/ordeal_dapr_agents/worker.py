"""The dapr-agents worker: the agent app. Hosts the DurableAgent's workflow and activities with `AgentRunner.workflow()`
(the runner in workflow mode: the workflow is started through daprd's workflow API, by the orchestrator); with
`--opt start=app` it starts the run itself on every start, as the quickstarts' `runner.run(agent, {...})` does."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, NoReturn

from ordeal_worker import WorldClient, agent_version, exit_with_parent, parent_alive, read_worker_env
from ordeal_worker.telemetry import start_worker_tracing

from .agent import build_agent
from .tools import ToolDeps, agent_tools


def main() -> NoReturn:
    logging.basicConfig(level=os.environ.get("ORDEAL_DAPR_AGENTS_LOG", "INFO"))
    tracing = start_worker_tracing("ordeal-worker-dapr-agents")
    env = read_worker_env()
    exit_with_parent(env.parent_pid)
    opts: dict[str, Any] = env.options or {}
    world = WorldClient(env.world_url)
    # imported here: dapr's settings read DAPR_* from the environment at import time
    from dapr_agents import AgentRunner

    version = agent_version(os.environ, opts)
    if version.change == "rename-tool":
        raise RuntimeError("dapr-agents: version 2 has no rename-tool: every tool call runs in DurableAgent's one run_tool activity")
    tools = agent_tools(ToolDeps(world, env.workspace, env.idempotency, changed_arg=version.has("changed-arg")))
    agent = build_agent(world, env.world_url, env.data_dir, tools, opts.get("toolCalls", "concurrent"), version)
    expected = os.environ.get("ORDEAL_AGENT_WORKFLOW")
    if expected and agent.agent_workflow_name != expected:
        raise RuntimeError(f"dapr-agents: the agent's workflow is {agent.agent_workflow_name}, the orchestrator starts {expected}")
    runner = AgentRunner()

    def shutdown(*_: Any) -> None:
        try:
            runner.shutdown(agent)
        finally:
            tracing.shutdown(1.0)  # spans ended so far reach the world before exit
            sys.exit(0)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)

    runner.workflow(agent)  # registers agent_workflow and its activities, starts the workflow worker
    world.probe("worker:ready")
    if opts.get("start") == "app":
        start_from_app(runner, agent, Path(env.data_dir))
    while parent_alive(env.parent_pid):
        time.sleep(0.2)
    shutdown()
    sys.exit(0)


def start_from_app(runner: Any, agent: Any, data: Path) -> None:
    """What an app that calls `runner.run(agent, {"task": …})` at start does: a new workflow instance on every start."""
    submitted = data / "submitted.json"
    while not submitted.exists():
        time.sleep(0.02)
    req = json.loads(submitted.read_text())
    # what runner.run does without an instance id (a fresh uuid4), chosen here so that it is noted before it starts
    instance = uuid.uuid4().hex
    with (data / "instances.jsonl").open("a") as f:
        f.write(json.dumps({"instanceId": instance, "pid": os.getpid()}) + "\n")
    threading.Thread(target=lambda: asyncio.run(runner.run(agent, {"task": req["task"]}, instance_id=instance, wait=False)), daemon=True).start()


if __name__ == "__main__":
    main()
