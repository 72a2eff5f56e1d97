"""Version 2 of the agent (the `deploy` fault, harness/agent/deploy.ts), shipped the way a Dapr Agents user ships a
change to a DurableAgent:

- `extra-step`: the agent's workflow, subclassed, runs one more activity (`audit`) before each turn's tool calls;
- `changed-arg`: a `before_tool_call` hook returns `Mutate` with one more argument (`version: 2`), so every tool call's
  `run_tool` activity is called with a changed input;
- `system-prompt`: the DurableAgent built with another system prompt.

`rename-tool` has no counterpart: DurableAgent runs every tool call in one activity, `dapr.agents.<agent>.run_tool`,
named after the agent and its own method, so a tool has no durable name to rename (README.md, "Deploy").

With `--opt versioning=on` the workflow asks Dapr's patching, `ctx.is_patched('ordeal-v2-<change>')`, once before
DurableAgent's loop starts; the answer holds for the whole execution (the hook reads it too). The system prompt is out
of its reach: DurableAgent reads it in its `call_llm` activity, and patching versions workflow code only."""
from __future__ import annotations

import contextvars
from collections.abc import Callable, Generator
from typing import Any

from dapr_agents.hooks import Mutate, Proceed, ToolHookContext
from ordeal_worker import APPROVAL_TOOL, AgentVersion, patch_id

#: whether the workflow execution DurableAgent's loop runs in took version 2's path; set around each resumption of the
#: loop, so the hooks DurableAgent calls from inside it (workflow code) see their own run's answer
on_v2: contextvars.ContextVar[bool] = contextvars.ContextVar("ordeal_on_v2", default=False)

#: the argument `changed-arg` adds to every tool call but the approval
V2_ARG = "version"


def takes_v2_path(version: AgentVersion, is_patched: Callable[[str], bool]) -> bool:
    """Whether a run takes version 2's path: always without versioning; with it, only where Dapr's patching says so.
    Asked first thing in the workflow: replaying a run version 1 began, `is_patched` finds no patch in the history
    and answers false (and the SDK keeps that answer for the whole execution)."""
    if version.change is None:
        return False
    return not version.versioning or is_patched(patch_id(version.change))


def changed_arg(ctx: ToolHookContext) -> Any:
    """`changed-arg`: the tool call's arguments with one more field, the documented way a `before_tool_call` hook
    changes what a tool runs with (`Mutate` replaces the arguments, and so the `run_tool` activity's input)."""
    if on_v2.get() and ctx.step_name != APPROVAL_TOOL:
        return Mutate(payload={**ctx.payload, V2_ARG: 2})
    return Proceed()


def is_tool_turn(result: Any) -> bool:
    """A task result that is DurableAgent's `call_llm` answer asking for tool calls: the point before a turn's tools."""
    return isinstance(result, dict) and result.get("role") == "assistant" and bool(result.get("tool_calls"))


def drive(loop: Generator[Any, Any, Any], v2: bool, before_tools: Callable[[dict[str, Any]], Any] | None) -> Generator[Any, Any, Any]:
    """DurableAgent's loop, driven task by task: `on_v2` holds this run's answer while the loop runs (its hooks read it),
    and `before_tools(answer)`, when given, is one more task yielded after each model answer with tool calls, before
    the loop sees that answer (so before its approval hooks and its `run_tool` activities)."""

    def resume(step: Callable[[], Any]) -> Any:
        token = on_v2.set(v2)
        try:
            return step()
        finally:
            on_v2.reset(token)

    try:
        task = resume(lambda: next(loop))
        while True:
            try:
                result = yield task
            except Exception as e:  # noqa: BLE001 - a failed task goes to DurableAgent's loop as it expects it
                task = resume(lambda: loop.throw(e))
                continue
            if before_tools is not None and is_tool_turn(result):
                yield before_tools(result)
            task = resume(lambda: loop.send(result))
    except StopIteration as stop:
        return stop.value
