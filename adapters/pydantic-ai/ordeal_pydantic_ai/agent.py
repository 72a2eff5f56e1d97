"""The agent: a Pydantic AI `Agent` on the world's scripted model, ordeal's tools, and the `TemporalDurability` capability.

Outside a workflow this is a plain agent; inside one, the capability turns every model request and every tool call into a
Temporal activity. It is built once per worker process, at import, as Pydantic AI's Temporal guide requires: the workflow
and the worker's activity registration both need it. The workflow module imports it passed through the sandbox.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.workflow import ActivityConfig

from ordeal_worker import APPROVAL_TOOL, DEPLOY_PROBE, TOOL_SCHEMAS, V2_SYSTEM_PROMPT, ToolContext, is_effect_tool, run_tool
from ordeal_worker.telemetry import chat_span, set_usage, tool_span
from pydantic_ai import Agent, FunctionToolset, RunContext, Tool
from pydantic_ai.durable_exec.temporal import TemporalDurability
from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models import ModelRequestParameters
from pydantic_ai.models.wrapper import WrapperModel
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider
from pydantic_ai.settings import ModelSettings

from .approval import wait_for_approval
from .context import env, opts, version, world

#: the agent's name: Pydantic AI names its activities after it (`agent__ordeal__…`)
AGENT_NAME = "ordeal"
#: the model name the world's scripted model answers to
MODEL = "ordeal-scripted"
#: the toolset of ordeal's tools: Pydantic AI names their activity after it (`agent__ordeal__toolset__tools__call_tool`)
TOOLSET = "tools"
#: the toolset version 2 moves them into (deploy change=rename-tool): `agent__ordeal__toolset__tools_v2__call_tool`
V2_TOOLSET = "tools_v2"


@dataclass
class RunDeps:
    """What version 2 (deploy change=changed-arg) adds to every tool call's activity input: Pydantic AI hands a run's
    deps to each tool activity. Version 1 runs with no deps."""

    version: int = 2


def _ms(name: str) -> int:
    return int(opts[name])


def _activity_config() -> ActivityConfig:
    """Every model request and tool call is an activity with these timeouts and retries (the adapter's options)."""
    heartbeat = _ms("heartbeatMs")
    return ActivityConfig(
        start_to_close_timeout=timedelta(milliseconds=_ms("startToCloseMs")),
        **({"heartbeat_timeout": timedelta(milliseconds=heartbeat)} if heartbeat > 0 else {}),
        retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=_ms("retryInitialMs")), maximum_attempts=_ms("maxAttempts")),
    )


class ProbedModel(WrapperModel):
    """The world's model, with the probe and the span every adapter gives a model call: `llm:before` with the model
    request activity's id and attempt (so a request run again after a crash counts as re-executed work), and `chat`."""

    async def request(self, messages: list[ModelMessage], model_settings: ModelSettings | None, model_request_parameters: ModelRequestParameters) -> ModelResponse:
        info = activity.info() if activity.in_activity() else None
        step: int | str = (int(info.activity_id) if info.activity_id.isdigit() else info.activity_id) if info else "local"
        attempt = info.attempt if info else 1
        if version.has("system-prompt") and any(getattr(m, "instructions", None) == V2_SYSTEM_PROMPT for m in messages):
            # version 2's system prompt reached a live model call
            world.probe(DEPLOY_PROBE, step=step, detail={"change": "system-prompt"})
        world.probe("llm:before", step=step, attempt=attempt, detail={"name": "llm"})
        with chat_span(MODEL, step, attempt) as s:
            response = await super().request(messages, model_settings, model_request_parameters)
            set_usage(s, response.usage.input_tokens, response.usage.output_tokens)
            return response


def _tool(schema: dict[str, Any]) -> Tool[Any]:
    """One of ordeal's tools, run in its own activity; an effect carries the activity's durable identity as its key."""
    f = schema["function"]
    name: str = f["name"]

    async def call(ctx: RunContext[RunDeps | None], **args: Any) -> Any:
        info = activity.info()
        step = int(info.activity_id) if info.activity_id.isdigit() else info.activity_id
        key = f"{info.workflow_id}:{info.activity_id}"
        # version 2's code running live: the tool activity under its new name, or called with the new argument
        if V2_TOOLSET in info.activity_type:
            world.probe(DEPLOY_PROBE, step=step, detail={"change": "rename-tool"})
        if isinstance(ctx.deps, RunDeps):
            world.probe(DEPLOY_PROBE, step=step, detail={"change": "changed-arg"})
        sent = key if env.idempotency == "framework" and is_effect_tool(name) else None
        world.probe("tool:before", step=step, attempt=info.attempt, detail={"name": f"tool:{name}", "key": key})
        with tool_span(name, None, step, info.attempt, sent):
            ctx = ToolContext(world, env.workspace, sent, step, info.attempt)
            # the kit's client blocks: a thread keeps the worker's loop free for the turn's other calls
            return await asyncio.to_thread(run_tool, name, args, ctx)

    return Tool.from_schema(call, name=name, description=f["description"], json_schema=f["parameters"], takes_ctx=True)


async def request_approval(summary: str, payload: Any = None) -> dict[str, Any]:
    """The approval, in the workflow itself (no activity): the request reaches the human's inbox through an activity,
    then the workflow waits for the `approval` signal. `sequential` makes it a barrier, as in ordeal's own loop."""
    return await wait_for_approval(summary, payload)


def _approval_tool() -> Tool[Any]:
    f = next(s["function"] for s in TOOL_SCHEMAS if s["function"]["name"] == APPROVAL_TOOL)
    t = Tool.from_schema(request_approval, name=APPROVAL_TOOL, description=f["description"], json_schema=f["parameters"], sequential=True)
    t.metadata = {**(t.metadata or {}), "temporal": False}
    return t


def _tools() -> list[Tool[Any]]:
    return [_tool(s) for s in TOOL_SCHEMAS if s["function"]["name"] != APPROVAL_TOOL] + [_approval_tool()]


def _only_when(on_v2: bool) -> Callable[[RunContext[Any], Any], bool]:
    """A toolset filter, asked in the workflow: whether this run took version 2's path (workflow.py decides it once)."""

    def keep(_ctx: RunContext[Any], _tool: Any) -> bool:
        return bool(getattr(workflow.instance(), "on_v2", False)) == on_v2

    return keep


def build_agent() -> Agent[Any, str]:
    """Version 1's agent, or version 2's for the change the deploy shipped (the same agent name, so the same model
    request activity). rename-tool moves the tools into a toolset of a new id, so their activity has a new name; with
    versioning on, version 1's toolset stays too, for the runs that keep version 1's path, and each run sees one of them."""
    model = ProbedModel(OpenAIChatModel(MODEL, provider=OpenAIProvider(base_url=f"{env.world_url}/v1", api_key="ordeal")))
    durability = TemporalDurability(activity_config=_activity_config())
    tools = FunctionToolset(_tools(), id=TOOLSET)
    if version.has("rename-tool"):
        renamed = FunctionToolset(_tools(), id=V2_TOOLSET)
        toolsets = [renamed.filtered(_only_when(True)), tools.filtered(_only_when(False))] if version.versioning else [renamed]
        return Agent(model, name=AGENT_NAME, toolsets=toolsets, capabilities=[durability])
    if version.has("changed-arg"):
        return Agent(model, name=AGENT_NAME, deps_type=RunDeps | None, toolsets=[tools], capabilities=[durability])  # type: ignore[arg-type]
    return Agent(model, name=AGENT_NAME, toolsets=[tools], capabilities=[durability])


agent = build_agent()

__all__ = ["AGENT_NAME", "MODEL", "RunDeps", "agent"]
