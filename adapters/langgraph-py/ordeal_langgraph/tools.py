"""ordeal's tools as LangChain tools, keyed by LangGraph's durable identity of the step."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool, InjectedToolCallId
from langgraph.prebuilt import InjectedState
from langgraph.types import interrupt
from ordeal_worker import TOOL_SCHEMAS, ToolContext, WorldClient, is_effect_tool, run_tool
from ordeal_worker.telemetry import tool_span
from pydantic import BaseModel, ConfigDict, create_model

from .deploy import V2_TOOLS_NODE, v2_ran


@dataclass
class ToolDeps:
    world: WorldClient
    workspace: str
    idempotency: Literal["framework", "none"]


_attempts: dict[str, int] = {}
_lock = threading.Lock()


def next_attempt(step: str) -> int:
    """Executions of each step in this process: LangGraph does not tell a task which attempt it is."""
    with _lock:
        _attempts[step] = _attempts.get(step, 0) + 1
        return _attempts[step]


def step_key(config: RunnableConfig, call_id: str | None) -> str:
    """thread + the task's checkpoint namespace (node or task name and a task id derived from the checkpoint) + the journaled tool call id."""
    c = config.get("configurable", {})
    thread, ns = c.get("thread_id"), c.get("checkpoint_ns")
    if not thread or not ns or not call_id:
        raise RuntimeError(f"langgraph: no durable step identity (thread {thread}, ns {ns}, call {call_id})")
    return f"lg:{thread}:{ns}:{call_id}"


class _Args(BaseModel):
    """The model is scripted and the world validates effects, so the tool's own argument check must not refuse a scenario's extra fields."""

    model_config = ConfigDict(extra="allow")
    tool_call_id: Annotated[str, InjectedToolCallId]
    #: the `version` field of the state a tool call's `Send` carries (version 2, change=changed-arg); absent otherwise
    call_version: Annotated[int | None, InjectedState("version")] = None


class OrdealTool(BaseTool):
    """One of ordeal's tools; `request_approval` pauses the thread with `interrupt()` until the human has decided."""

    deps: Any = None

    def _run(self, config: RunnableConfig, run_manager: Any = None, **kwargs: Any) -> Any:
        deps: ToolDeps = self.deps
        call_id = kwargs.pop("tool_call_id", None)
        call_version = kwargs.pop("call_version", None)
        key = step_key(config, call_id)
        attempt = next_attempt(key)
        step = config.get("metadata", {}).get("langgraph_step")
        if self.name == "request_approval":
            return approval(deps, key, kwargs, attempt)
        deps.world.probe("tool:before", step=step, detail={"name": self.name, "key": key})
        # version 2 of the graph (deploy): the tool runs in the renamed ToolNode, or its Send carried the changed argument
        # (not the approval tool above, which runs again when its interrupt is resumed)
        if config.get("metadata", {}).get("langgraph_node") == V2_TOOLS_NODE:
            v2_ran(deps.world, "rename-tool", config)
        elif call_version == 2:
            v2_ran(deps.world, "changed-arg", config)
        sent = key if deps.idempotency == "framework" and is_effect_tool(self.name) else None  # only effects send the key
        with tool_span(self.name, call_id, key, attempt, sent):
            ctx = ToolContext(deps.world, deps.workspace, key if deps.idempotency == "framework" else None, step)
            return run_tool(self.name, kwargs, ctx)


def agent_tools(deps: ToolDeps) -> list[BaseTool]:
    out: list[BaseTool] = []
    for s in TOOL_SCHEMAS:
        f = s["function"]
        # no declared fields: a declared one would arrive as None when the model left it out; the model gets TOOL_SCHEMAS itself
        schema = create_model(f"{f['name']}_args", __base__=_Args)
        out.append(OrdealTool(name=f["name"], description=f["description"], args_schema=schema, deps=deps))
    return out


def approval(deps: ToolDeps, key: str, args: dict[str, Any], attempt: int) -> Any:
    """Posts the request (idempotent by id), then pauses the thread with `interrupt()` until the worker resumes it."""
    approval_id = f"approval:{key}"
    summary = str(args.get("summary", ""))
    # the span covers the request only: interrupt() below raises to pause the thread, which is not a failure
    with tool_span("request_approval", None, key, attempt):
        a = deps.world.request_approval(approval_id, summary, args.get("payload"))
    if a.get("status") == "pending":
        deps.world.probe("approval:waiting", detail={"id": approval_id})
    return interrupt({"approvalId": approval_id, "summary": summary})
