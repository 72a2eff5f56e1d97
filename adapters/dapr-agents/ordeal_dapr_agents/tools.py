"""ordeal's tools as Dapr Agents `AgentTool`s, keyed by the workflow instance and the activity's position in it."""
from __future__ import annotations

import contextvars
import json
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from dapr_agents import AgentTool
from ordeal_worker import APPROVAL_TOOL, DEPLOY_PROBE, TOOL_SCHEMAS, ToolContext, WorldClient, is_effect_tool, run_tool
from ordeal_worker.telemetry import tool_span
from pydantic import BaseModel, ConfigDict, create_model

from .version2 import V2_ARG


@dataclass(frozen=True)
class ActivityPosition:
    """Which `run_tool` activity is running: Dapr's durable identity of the step."""

    instance_id: str
    #: the task id Durable Task gives the activity: its position in the orchestration's history, the same on every replay
    task_id: int
    tool_call_id: str
    #: the activity's execution id (new for each delivery): which attempt this is
    execution_id: str | None = None

    @property
    def key(self) -> str:
        return f"dapr-agents:{self.instance_id}:{self.task_id}"


#: set by the agent's `run_tool` activity around the tool's execution (asyncio.run copies it into the tool's task)
current_activity: contextvars.ContextVar[ActivityPosition | None] = contextvars.ContextVar("ordeal_activity", default=None)


@dataclass
class ToolDeps:
    world: WorldClient
    workspace: str
    idempotency: Literal["framework", "none"]
    #: version 2 of `changed-arg`: the tools take the argument its hook adds (version2.py)
    changed_arg: bool = False


def approval_request_id(instance_id: str, tool_call_id: str) -> str:
    """The id DurableAgent gives the approval of one tool call (`_await_approval`): the same on every replay."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{instance_id}:{tool_call_id}"))


_attempts: dict[str, int] = {}


def next_attempt(key: str) -> int:
    """Executions of each step in this process: the activity context does not say which attempt it is."""
    _attempts[key] = _attempts.get(key, 0) + 1
    return _attempts[key]


class _Args(BaseModel):
    """The model is scripted and the world validates effects, so no field is declared and none is refused."""

    model_config = ConfigDict(extra="allow")


def _tool(name: str, description: str, deps: ToolDeps) -> AgentTool:
    def call(**args: Any) -> str:
        pos = current_activity.get()
        if pos is None:
            raise RuntimeError(f"dapr-agents: tool {name} ran outside the run_tool activity (no durable step identity)")
        if name == APPROVAL_TOOL:
            # runs only once the human approved: DurableAgent's before_tool_call hook waited for the answer (agent.py).
            # Its approval event says approved or not; values the human edited are read from the approval service.
            decision = deps.world.approval_status(approval_request_id(pos.instance_id, pos.tool_call_id))
            values = (decision.get("decision") or {}).get("values")
            return json.dumps({"approved": True, **({"values": values} if values else {})})
        if deps.changed_arg and args.pop(V2_ARG, None) == 2:
            # version 2's code running live: this tool activity was called with the changed input
            deps.world.probe(DEPLOY_PROBE, step=pos.task_id, detail={"change": "changed-arg"})
        key = pos.key
        attempt = next_attempt(key)
        deps.world.probe("tool:before", step=pos.task_id, detail={"name": name, "key": key})
        sent = key if deps.idempotency == "framework" and is_effect_tool(name) else None
        with tool_span(name, pos.tool_call_id, key, attempt, sent):
            ctx = ToolContext(deps.world, deps.workspace, key if deps.idempotency == "framework" else None, pos.task_id, attempt)
            return json.dumps(run_tool(name, args, ctx))

    schema = create_model(f"{name}_args", __base__=_Args)
    return AgentTool(name=name, description=description, func=call, args_model=schema)


def agent_tools(deps: ToolDeps) -> list[AgentTool]:
    return [_tool(s["function"]["name"], s["function"]["description"], deps) for s in TOOL_SCHEMAS]
