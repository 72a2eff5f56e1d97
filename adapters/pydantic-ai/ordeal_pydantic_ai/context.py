"""What the worker's modules share: its environment, the adapter's options (parsed, with their defaults) and the world."""
from __future__ import annotations

from ordeal_worker import WorldClient, read_worker_env

env = read_worker_env()
#: every option of the adapter's manifest, its default filled in by the orchestrator (adapter.ts)
opts: dict[str, str] = env.options or {}
world = WorldClient(env.world_url)
