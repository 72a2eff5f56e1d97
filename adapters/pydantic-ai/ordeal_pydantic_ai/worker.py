"""The pydantic-ai adapter's worker: a Temporal worker hosting the agent's workflow and the activities Pydantic AI's
TemporalDurability contributes (model requests, tool calls), on the case's Temporal dev server."""
from __future__ import annotations

import asyncio
import logging
import os
import signal
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from ordeal_worker import exit_with_parent
from ordeal_worker.telemetry import start_worker_tracing
from pydantic_ai.durable_exec.temporal import PydanticAIPlugin

from .context import env, opts, version, world
from .probes import JournalProbes
from .approval import post_approval
from .workflow import AgentWorkflow, audit
from .worker_versioning import deployment_config, promote_own_version

TASK_QUEUE = "ordeal-pydantic-ai"
NAMESPACE = "default"


async def main() -> None:
    logging.basicConfig(level=os.environ.get("ORDEAL_PYDANTIC_AI_LOG", "WARNING"))
    tracing = start_worker_tracing("ordeal-worker-pydantic-ai")
    exit_with_parent(env.parent_pid)
    if not env.engine_url:
        raise RuntimeError("pydantic-ai worker: ORDEAL_ENGINE_URL (the Temporal server) is not set")
    client = await Client.connect(env.engine_url, namespace=NAMESPACE, plugins=[PydanticAIPlugin()])
    pinned = opts.get("workerVersioning") == "pinned"
    worker = Worker(
        client,
        task_queue=TASK_QUEUE,
        workflows=[AgentWorkflow],
        activities=[post_approval, audit],
        interceptors=[JournalProbes(world)],
        sticky_queue_schedule_to_start_timeout=timedelta(milliseconds=int(opts["stickyMs"])),
        # --opt workerVersioning=pinned: a version of the Worker Deployment, its workflows pinned to it
        **({"deployment_config": deployment_config(version)} if pinned else {}),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    async with worker:
        if pinned:
            await promote_own_version(client, NAMESPACE, version)
        world.probe("worker:ready")
        await stop.wait()
    tracing.shutdown(1.0)


if __name__ == "__main__":
    asyncio.run(main())
