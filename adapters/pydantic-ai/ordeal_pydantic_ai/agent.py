"""The agent: a Pydantic AI `Agent` on the world's scripted model, ordeal's tools, and the `TemporalDurability` capability.

Outside a workflow this is a plain agent; inside one, the capability turns every model request and every tool call into a
Temporal activity. It is built once per worker process, at import, as Pydantic AI's Temporal guide requires: the workflow
and the worker's activity registration both need it. The workflow module imports it passed through the sandbox.
"""
from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import activity
from temporalio.common import RetryPolicy
from temporalio.workflow import ActivityConfig

from ordeal_worker import APPROVAL_TOOL, TOOL_SCHEMAS, ToolContext, is_effect_tool, run_tool
from ordeal_worker.telemetry import chat_span, set_usage, tool_span
from pydantic_ai import Agent, Tool
from pydantic_ai.durable_exec.temporal import TemporalDurability
from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models import ModelRequestParameters
from pydantic_ai.models.wrapper import WrapperModel
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider
from pydantic_ai.settings import ModelSettings

from .approval import wait_for_approval
from .context import env, opts, world

#: the agent's name: Pydantic AI names its activities after it (`agent__ordeal__…`)
AGENT_NAME = "ordeal"
#: the model name the world's scripted model answers to
MODEL = "ordeal-scripted"


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
        world.probe("llm:before", step=step, attempt=attempt, detail={"name": "llm"})
        with chat_span(MODEL, step, attempt) as s:
            response = await super().request(messages, model_settings, model_request_parameters)
            set_usage(s, response.usage.input_tokens, response.usage.output_tokens)
            return response


def _tool(schema: dict[str, Any]) -> Tool[Any]:
    """One of ordeal's tools, run in its own activity; an effect carries the activity's durable identity as its key."""
    f = schema["function"]
    name: str = f["name"]

    async def call(**args: Any) -> Any:
        info = activity.info()
        step = int(info.activity_id) if info.activity_id.isdigit() else info.activity_id
        key = f"{info.workflow_id}:{info.activity_id}"
        sent = key if env.idempotency == "framework" and is_effect_tool(name) else None
        world.probe("tool:before", step=step, attempt=info.attempt, detail={"name": f"tool:{name}", "key": key})
        with tool_span(name, None, step, info.attempt, sent):
            ctx = ToolContext(world, env.workspace, sent, step, info.attempt)
            # the kit's client blocks: a thread keeps the worker's loop free for the turn's other calls
            return await asyncio.to_thread(run_tool, name, args, ctx)

    return Tool.from_schema(call, name=name, description=f["description"], json_schema=f["parameters"])


async def request_approval(summary: str, payload: Any = None) -> dict[str, Any]:
    """The approval, in the workflow itself (no activity): the request reaches the human's inbox through an activity,
    then the workflow waits for the `approval` signal. `sequential` makes it a barrier, as in ordeal's own loop."""
    return await wait_for_approval(summary, payload)


def _approval_tool() -> Tool[Any]:
    f = next(s["function"] for s in TOOL_SCHEMAS if s["function"]["name"] == APPROVAL_TOOL)
    t = Tool.from_schema(request_approval, name=APPROVAL_TOOL, description=f["description"], json_schema=f["parameters"], sequential=True)
    t.metadata = {**(t.metadata or {}), "temporal": False}
    return t


def build_agent() -> Agent[None, str]:
    model = ProbedModel(OpenAIChatModel(MODEL, provider=OpenAIProvider(base_url=f"{env.world_url}/v1", api_key="ordeal")))
    tools = [_tool(s) for s in TOOL_SCHEMAS if s["function"]["name"] != APPROVAL_TOOL] + [_approval_tool()]
    return Agent(
        model,
        name=AGENT_NAME,
        tools=tools,
        capabilities=[TemporalDurability(activity_config=_activity_config())],
    )


agent = build_agent()

__all__ = ["AGENT_NAME", "MODEL", "agent"]
