"""What a worker learns from the orchestrator through its environment (harness/agent/env.ts)."""
from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class WorkerEnv:
    run_id: str
    world_url: str
    data_dir: str
    workspace: str
    idempotency: Literal["framework", "none"]
    options: dict[str, str] = field(default_factory=dict)
    engine_url: str | None = None
    parent_pid: int | None = None
    #: W3C traceparent of the case (`TRACEPARENT`)
    traceparent: str | None = None
    #: a user's OTLP/HTTP collector (`ORDEAL_OTLP_ENDPOINT`)
    otlp_endpoint: str | None = None


def read_worker_env(env: Mapping[str, str] | None = None) -> WorkerEnv:
    """The worker's environment; a missing variable is an error naming it (workers are started by ordeal)."""
    e = os.environ if env is None else env

    def need(k: str) -> str:
        v = e.get(k)
        if not v:
            raise RuntimeError(f"worker: environment variable {k} is not set (workers are started by ordeal)")
        return v

    idem = need("ORDEAL_IDEMPOTENCY")
    if idem not in ("framework", "none"):
        raise RuntimeError(f"worker: ORDEAL_IDEMPOTENCY must be framework or none, got '{idem}'")
    options = json.loads(e["ORDEAL_OPTIONS"]) if e.get("ORDEAL_OPTIONS") else {}
    return WorkerEnv(
        run_id=need("ORDEAL_RUN_ID"),
        world_url=need("ORDEAL_WORLD_URL"),
        data_dir=need("ORDEAL_DATA_DIR"),
        workspace=need("ORDEAL_WORKSPACE"),
        idempotency="framework" if idem == "framework" else "none",
        options={str(k): str(v) for k, v in options.items()},
        engine_url=e.get("ORDEAL_ENGINE_URL") or None,
        parent_pid=int(e["ORDEAL_PARENT_PID"]) if e.get("ORDEAL_PARENT_PID") else None,
        traceparent=e.get("TRACEPARENT") or None,
        otlp_endpoint=e.get("ORDEAL_OTLP_ENDPOINT") or None,
    )


def parent_alive(parent_pid: int | None) -> bool:
    if not parent_pid:
        return True
    try:
        os.kill(parent_pid, 0)
        return True
    except OSError:
        return False


def exit_with_parent(parent_pid: int | None, every_s: float = 0.5) -> None:
    """Exits (70) when the orchestrator is gone, so that no worker outlives it even after a SIGKILL of the orchestrator."""
    if not parent_pid:
        return

    def watch() -> None:
        while parent_alive(parent_pid):
            time.sleep(every_s)
        os._exit(70)

    threading.Thread(target=watch, name="ordeal-parent-watch", daemon=True).start()
