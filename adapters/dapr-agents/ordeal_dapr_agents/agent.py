"""The agent as Dapr Agents' quickstarts write one: a `DurableAgent` with an OpenAI chat client, tools and hooks.

DurableAgent runs the loop as a Dapr workflow (`agent_workflow`): each model call is a `call_llm` activity, each
tool call a `run_tool` activity (a turn's calls together under `when_all`, or one after another with
`tool_execution_mode=sequential`), and a `before_tool_call` hook that returns `RequireApproval` makes the workflow
publish an approval request (the `publish_approval_request` activity) and wait for the external event
`approval_response_<id>`, raced against a timer that denies the call. The subclass only adds what ordeal must see:
the request reaches the world's approval inbox, and a tool knows which activity it runs in (its framework key).
A deploy restarts the app on version 2 of this code (version2.py)."""
from __future__ import annotations

import functools
import inspect
import json
import os
from pathlib import Path
from typing import Any

from dapr_agents import AgentTool, DurableAgent, Hooks, OpenAIChatClient, RequireApproval
from dapr_agents.agents.configs import AgentExecutionConfig, ToolExecutionMode
from dapr_agents.agents.schemas import TriggerAction
from dapr_agents.hooks import Proceed, ToolHookContext
from dapr_agents.workflow.decorators import message_router, workflow_entry
from ordeal_worker import APPROVAL_TOOL, DEFAULT_SYSTEM_PROMPT, DEPLOY_PROBE, V2_SYSTEM_PROMPT, AgentVersion, ToolCallsMode, WorldClient
from ordeal_worker.telemetry import chat_span

from .tools import ActivityPosition, current_activity, next_attempt
from .version2 import changed_arg, drive, takes_v2_path

#: the model the world's scripted model answers as
MODEL = "ordeal-scripted"
AGENT_NAME = "ordeal-agent"
MAX_TURNS = 200


class OrdealDurableAgent(DurableAgent):
    """DurableAgent, plus: the approval request goes to the world, and tools learn their activity's position."""

    def __init__(self, *, world: WorldClient, data_dir: str, version: AgentVersion, **kwargs: Any) -> None:
        self._version = version  # read by _standard_activities, which DurableAgent's constructor may call
        super().__init__(**kwargs)
        self._world = world
        self._approvals = Path(data_dir) / "approvals.jsonl"

    @workflow_entry
    @message_router(message_model=TriggerAction)
    def agent_workflow(self, ctx: Any, message: dict[str, Any]) -> Any:
        """DurableAgent's workflow; version 2 (a deploy) runs it with its change: one more activity before each turn's
        tool calls (extra-step), or its hooks told that this run takes version 2's path (changed-arg). With versioning
        on, Dapr's patching decides that once, before the loop starts (version2.py)."""
        loop = super().agent_workflow(ctx, message)
        if self._version.change in (None, "system-prompt"):
            # version 2's prompt is read by call_llm, an activity: there is nothing in the workflow to change or guard
            return (yield from loop)
        v2 = takes_v2_path(self._version, ctx.is_patched)
        audit = v2 and self._version.change == "extra-step"

        def before_tools(answer: dict[str, Any]) -> Any:
            calls = len(answer.get("tool_calls") or [])
            return ctx.call_activity(self._activity_name(self.audit), input={"calls": calls}, retry_policy=self._retry_policy)

        return (yield from drive(loop, v2, before_tools if audit else None))

    def _standard_activities(self) -> tuple[Any, ...]:  # type: ignore[override]
        # version 2's extra step is one more activity of the agent, registered beside DurableAgent's
        extra = (self.audit,) if self._version.has("extra-step") else ()
        return (*DurableAgent._standard_activities(self), *extra)

    def audit(self, ctx: Any, payload: dict[str, Any]) -> dict[str, Any]:
        """Version 2's extra step (deploy change=extra-step): an audit before a turn's tool calls, a durable activity."""
        self._world.probe(DEPLOY_PROBE, step=int(ctx.task_id), detail={"change": "extra-step"})
        return {"audited": int(payload.get("calls", 0))}

    def _named(self, func: Any, name: str) -> Any:  # type: ignore[override]
        # DurableAgent names each workflow and activity it registers here; the agent's workflow gets an observer
        named = DurableAgent._named(func, name)
        return journaled(named, self._world) if name == self.agent_workflow_name else named

    def publish_approval_request(self, ctx: Any, payload: dict[str, Any]) -> None:
        # DurableAgent's activity keeps the request among its pending approvals (in the agent's state store); the
        # world is where ordeal's human reads it, as a Slack bot would read the approval topic
        super().publish_approval_request(ctx, payload)
        event = payload["event"]
        args = event.get("tool_arguments") or {}
        approval_id = str(event["approval_request_id"])
        with self._approvals.open("a") as f:  # which instance the orchestrator raises the human's answer on
            f.write(json.dumps({"approvalId": approval_id, "instanceId": event.get("instance_id")}) + "\n")
        a = self._world.request_approval(approval_id, str(args.get("summary", "")), args.get("payload"))
        if a.get("status") == "pending":
            self._world.probe("approval:waiting", detail={"id": approval_id, "instance": event.get("instance_id")})

    def call_llm(self, ctx: Any, payload: dict[str, Any]) -> dict[str, Any]:
        key = f"dapr-agents:{ctx.workflow_id}:{ctx.task_id}"
        if self._version.has("system-prompt"):
            # version 2's prompt: DurableAgent builds the messages from its prompt in this activity, at every call
            self._world.probe(DEPLOY_PROBE, step=int(ctx.task_id), detail={"change": "system-prompt"})
        self._world.probe("llm:before", step=int(ctx.task_id))
        with chat_span(MODEL, key, next_attempt(key)):
            return super().call_llm(ctx, payload)

    def run_tool(self, ctx: Any, payload: dict[str, Any]) -> dict[str, Any]:
        call = payload.get("tool_call") or {}
        inner = ctx.get_inner_context() if callable(getattr(ctx, "get_inner_context", None)) else None
        pos = ActivityPosition(
            instance_id=str(ctx.workflow_id),
            task_id=int(ctx.task_id),
            tool_call_id=str(call.get("id", "")),
            execution_id=getattr(inner, "task_execution_id", None) or None,
        )
        token = current_activity.set(pos)
        try:
            return super().run_tool(ctx, payload)
        finally:
            current_activity.reset(token)


def journaled(workflow: Any, world: WorldClient) -> Any:
    """The workflow as DurableAgent wrote it, observed: each task result it receives outside a replay is a step the
    sidecar has journaled (its completion is in the workflow's history), reported as `step:journaled`. It passes every
    task, result and error through unchanged."""

    @functools.wraps(workflow)
    def observed(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        gen = workflow(ctx, *args, **kwargs)
        if not inspect.isgenerator(gen):
            return gen
        step = 0
        try:
            task = next(gen)
            while True:
                try:
                    result = yield task
                except Exception as e:  # noqa: BLE001 - a failed task goes to the workflow as DurableAgent expects it
                    task = gen.throw(e)
                    continue
                step += 1
                if not ctx.is_replaying:
                    world.probe("step:journaled", step=step, detail={"instance": ctx.instance_id})
                task = gen.send(result)
        except StopIteration as stop:
            return stop.value

    return observed


def chat_client(world_url: str) -> OpenAIChatClient:
    """Dapr Agents' own OpenAI client pointed at the world's OpenAI-compatible endpoint."""
    return OpenAIChatClient(model=MODEL, api_key="not-needed", base_url=f"{world_url}/v1", timeout=60)


def build_agent(
    world: WorldClient, world_url: str, data_dir: str, tools: list[AgentTool], tool_calls: ToolCallsMode, version: AgentVersion
) -> OrdealDurableAgent:
    def ask_human(ctx: ToolHookContext) -> Any:
        """`request_approval` needs a human: DurableAgent's documented human-in-the-loop."""
        if ctx.step_name == APPROVAL_TOOL:
            return RequireApproval(instructions=str(ctx.payload.get("summary", "")))
        return Proceed()

    mode = ToolExecutionMode.SEQUENTIAL if tool_calls == "sequential" else ToolExecutionMode.PARALLEL
    prompt = V2_SYSTEM_PROMPT if version.has("system-prompt") else os.environ.get("ORDEAL_SYSTEM_PROMPT") or DEFAULT_SYSTEM_PROMPT
    return OrdealDurableAgent(
        world=world,
        data_dir=data_dir,
        version=version,
        name=AGENT_NAME,
        system_prompt=prompt,
        llm=chat_client(world_url),
        tools=tools,
        # version 2 of changed-arg adds a hook after the human's: it changes the arguments of every other tool call
        hooks=Hooks(before_tool_call=[ask_human, *([changed_arg] if version.has("changed-arg") else [])]),
        execution=AgentExecutionConfig(max_iterations=MAX_TURNS, tool_execution_mode=mode),
    )
