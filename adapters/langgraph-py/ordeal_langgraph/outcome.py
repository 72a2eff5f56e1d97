"""The orchestrator's view of a thread, read with LangGraph's own `get_state` (the checkpoint format is Python's).

Serves one JSON line per request on stdin: `{"threadId": ...}` -> `{"status": "running"}` or `{"status": "completed", "answer": ...}`.
Exits when stdin closes (the orchestrator is done or gone).
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any

from .agent import AgentParts, build_app, final_answer
from .options import parse_options
from .store import Saver, open_saver
from .tools import ToolDeps, agent_tools
from ordeal_worker import WorldClient


def main() -> None:
    opts = parse_options(json.loads(os.environ.get("ORDEAL_OPTIONS") or "{}"))
    data_dir = os.environ["ORDEAL_DATA_DIR"]
    saver: Saver | None = None
    app: Any = None
    for line in sys.stdin:
        if not line.strip():
            continue
        thread_id = json.loads(line)["threadId"]
        out: dict[str, Any] = {"status": "running"}
        try:
            if saver is None:
                saver = open_saver(opts, data_dir, read_only=True)
                # the same agent over the same store, never run: LangGraph's own view of the thread
                parts = AgentParts(None, agent_tools(ToolDeps(WorldClient("http://unused"), "", "none")), None, saver.saver) if saver else None
                app = build_app(opts.api, parts, opts.nesting) if parts else None
            if app is not None:
                snap = app.get_state({"configurable": {"thread_id": thread_id}})
                answer = final_answer(opts.api, snap, opts.nesting)
                if answer is not None:
                    out = {"status": "completed", "answer": answer}
                elif not snap.created_at and saver is not None and opts.store == "sqlite":
                    saver.close()  # opened before the worker made the tables: look again with a fresh connection
                    saver = app = None
        except Exception as e:  # noqa: BLE001 - a store not readable yet is a run still under way
            out = {"status": "running", "note": f"{type(e).__name__}: {e}"}
            if saver is not None:
                saver.close()
            saver = app = None
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
