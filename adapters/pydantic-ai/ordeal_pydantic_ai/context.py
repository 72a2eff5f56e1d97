"""What the worker's modules share: its environment, the adapter's options (parsed, with their defaults), the version of
the agent it runs (a deploy restarts it on version 2) and the world."""
from __future__ import annotations

import os

from ordeal_worker import WorldClient, agent_version, read_worker_env

env = read_worker_env()
#: every option of the adapter's manifest, its default filled in by the orchestrator (adapter.ts)
opts: dict[str, str] = env.options or {}
#: version 1, or version 2 with the change the `deploy` fault shipped (harness/agent/deploy.ts)
version = agent_version(os.environ, opts)
world = WorldClient(env.world_url)
