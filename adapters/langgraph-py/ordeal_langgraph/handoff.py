"""The durable hand-off with the orchestrator (adapters/langgraph/handoff.ts): a run request and a failure note, as files in the data dir."""
from __future__ import annotations

import json
import os
from typing import Any

SUBMITTED = "submitted.json"
FAILED = "failed.json"


def read_run_request(data_dir: str) -> dict[str, Any] | None:
    f = os.path.join(data_dir, SUBMITTED)
    if not os.path.exists(f):
        return None
    with open(f) as fh:
        req: dict[str, Any] = json.load(fh)
    return req


def write_failure(data_dir: str, thread_id: str, error: str) -> None:
    """LangGraph keeps no "failed" status for a thread, so the worker notes why it gave up."""
    f = os.path.join(data_dir, FAILED)
    with open(f + ".tmp", "w") as fh:
        json.dump({"threadId": thread_id, "error": error}, fh)
    os.replace(f + ".tmp", f)
