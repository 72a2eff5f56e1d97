"""`--opt` knobs as the worker sees them (ORDEAL_OPTIONS); adapters/langgraph-py/options.ts checks them before anything starts."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

from ordeal_worker import TOOL_CALLS_MODES, ToolCallsMode

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:55432/ordeal"


@dataclass(frozen=True)
class Options:
    api: Literal["graph", "functional"] = "graph"
    #: subgraph: the agent runs as the one node of a parent StateGraph that holds the checkpointer
    nesting: Literal["none", "subgraph"] = "none"
    store: Literal["sqlite", "postgres"] = "sqlite"
    postgres_url: str | None = None
    durability: Literal["sync", "async", "exit"] = "sync"
    recursion_limit: int = 1000
    #: a turn's calls run in stretches between approvals (concurrent) or every call alone (sequential): the kit's `tool_batches`
    tool_calls: ToolCallsMode = "concurrent"


def parse_options(o: dict[str, str]) -> Options:
    def pick(key: str, allowed: tuple[str, ...], default: str) -> str:
        v = o.get(key, default)
        if v not in allowed:
            raise ValueError(f"--opt {key}={v}: expected one of {', '.join(allowed)}")
        return v

    store = pick("store", ("sqlite", "postgres"), "sqlite")
    return Options(
        api="functional" if pick("api", ("graph", "functional"), "graph") == "functional" else "graph",
        nesting="subgraph" if pick("nesting", ("none", "subgraph"), "none") == "subgraph" else "none",
        store="postgres" if store == "postgres" else "sqlite",
        postgres_url=(o.get("postgresUrl") or os.environ.get("ORDEAL_POSTGRES_URL") or DEFAULT_POSTGRES_URL) if store == "postgres" else None,
        durability={"sync": "sync", "async": "async", "exit": "exit"}[pick("durability", ("sync", "async", "exit"), "sync")],  # type: ignore[arg-type]
        recursion_limit=int(o.get("recursionLimit", "1000")),
        tool_calls="sequential" if pick("toolCalls", TOOL_CALLS_MODES, "concurrent") == "sequential" else "concurrent",
    )
