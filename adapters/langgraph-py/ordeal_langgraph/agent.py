"""The agent as LangGraph's docs write one: a StateGraph (model node, prebuilt ToolNode, conditional edges) or the functional API.

A turn's tool calls run in stretches (the kit's `tool_batches`: concurrent calls up to an approval, the approval alone, …):
the graph sends each call of a stretch to the ToolNode as a `Send` (one task per call, a stretch in one superstep, run in
parallel) and a `join` node after it sends the next stretch or goes back to the model; the functional API starts a
stretch's `call_tool` tasks and waits for their results before the next stretch.

Version 2 (the `deploy` fault) is new graph or entrypoint code under the same name, compiled on the same checkpointer:
an `audit` node or task before each turn's tool calls, the tools node or tool task renamed, one more field in each tool
call, or a new system prompt in a new thread's input. LangGraph has no versioning tool: version 2 is plain new code."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from collections.abc import Sequence
from typing import Any, cast

from langchain_core.messages import AIMessage, AnyMessage, BaseMessage, HumanMessage, SystemMessage, ToolCall, ToolMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool
from langchain_openai import ChatOpenAI
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.config import get_config
from langgraph.func import entrypoint, task
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.message import add_messages
from langgraph.prebuilt import ToolNode
from langgraph.types import RetryPolicy, Send
from ordeal_worker import (
    APPROVAL_TOOL,
    TOOL_SCHEMAS,
    V2_SYSTEM_PROMPT,
    AgentVersion,
    ToolCallsMode,
    WorldClient,
    WorldHttpError,
    opening_messages,
    tool_batches,
)
from ordeal_worker.telemetry import chat_span, set_usage

from .deploy import V1, V2_TOOL_ARG, V2_TOOL_TASK, V2_TOOLS_NODE, opens_with_v2_prompt, task_step, v2_ran
from .tools import next_attempt

#: the model the world's scripted model answers as (`gen_ai.request.model`)
MODEL = "ordeal-scripted"
MAX_TURNS = 200


def chat_model(world_url: str) -> ChatOpenAI:
    """A real ChatOpenAI client pointed at the world's OpenAI-compatible endpoint."""
    return ChatOpenAI(
        model=MODEL,
        api_key="not-needed",  # type: ignore[arg-type]
        base_url=f"{world_url}/v1",
        temperature=0,
        # the client's own retries are what a LangGraph user gets for transient model errors
        max_retries=4,
        timeout=60,
        default_headers={"x-ordeal-pid": str(os.getpid())},
    )


def _retry_on(e: Exception) -> bool:
    """Transient tool failures are retried by the node; a 4xx the world meant is not."""
    return not isinstance(e, WorldHttpError) or e.retryable


RETRY = RetryPolicy(initial_interval=0.1, max_interval=2.0, max_attempts=5, jitter=False, retry_on=_retry_on)


@dataclass
class AgentParts:
    #: None where the agent is only read (the orchestrator's outcome), never run
    model: ChatOpenAI | None
    tools: list[BaseTool]
    world: WorldClient | None
    #: None for an agent that runs as a subgraph: it inherits its parent's
    checkpointer: BaseCheckpointSaver[Any] | None
    #: how a turn's tool calls run (`--opt toolCalls`)
    tool_calls: ToolCallsMode = "concurrent"
    #: the agent's version (deploy); version 1 unless given
    version: AgentVersion = V1


def _call_model(p: AgentParts, bound: Any, messages: Sequence[BaseMessage], config: RunnableConfig) -> AIMessage:
    if bound is None or p.world is None:
        raise RuntimeError("langgraph: this agent was opened to read state, not to run")
    step = config.get("metadata", {}).get("langgraph_step")
    key = task_step(config)
    # the task's key tells apart model calls that share a superstep (every task of the functional API runs in step 0)
    p.world.probe("llm:before", step=step, detail={"key": key})
    if opens_with_v2_prompt(messages):
        v2_ran(p.world, "system-prompt", config)
    with chat_span(MODEL, key, next_attempt(key)) as s:
        reply: AIMessage = bound.invoke(messages)
        u = reply.usage_metadata
        if u:
            set_usage(s, u.get("input_tokens"), u.get("output_tokens"))
        return reply


def graph_agent(p: AgentParts) -> Any:
    bound = p.model.bind_tools(TOOL_SCHEMAS) if p.model else None  # the same tool schemas every framework sends
    # version 2, rename-tool: the ToolNode under a new name; changed-arg: each Send carries one more field
    tools = V2_TOOLS_NODE if p.version.has("rename-tool") else "tools"
    changed_arg = p.version.has("changed-arg")

    def call_model(state: MessagesState, config: RunnableConfig) -> dict[str, list[AnyMessage]]:
        return {"messages": [_call_model(p, bound, state["messages"], config)]}

    def send(call: ToolCall) -> Send:
        # the ToolNode takes a Send's list of tool calls as the calls to run; a call with context carries a state of its
        # own, which the ToolNode hands the tools (InjectedState)
        if changed_arg:
            return Send(tools, {"__type": "tool_call_with_context", "tool_call": call, "state": dict(V2_TOOL_ARG)})
        return Send(tools, [call])

    def next_step(state: MessagesState) -> str | list[Send]:
        """The next stretch of the turn's unanswered calls, each a Send to the ToolNode; the model again once all are answered.

        Read by `join`, which runs once all of a superstep's tool tasks are done: a branch on `tools` would see only its own task's answer.
        """
        batch = next_tool_batch(state["messages"], p.tool_calls)
        if batch is None:
            return END
        return [send(call) for call in batch] if batch else "agent"

    def join(state: MessagesState) -> dict[str, Any]:
        return {}

    # version 2, extra-step: the model's calls go through an `audit` node first, once a turn
    def audit(state: MessagesState, config: RunnableConfig) -> dict[str, Any]:
        v2_ran(p.world, "extra-step", config)
        return {}

    def to_audit(state: MessagesState) -> str:
        return END if next_tool_batch(state["messages"], p.tool_calls) is None else "audit"

    builder = StateGraph(MessagesState)
    builder.add_node("agent", call_model)
    builder.add_node(tools, ToolNode(p.tools, handle_tool_errors=False), retry_policy=RETRY)
    builder.add_node("join", join)
    builder.add_edge(START, "agent")
    if p.version.has("extra-step"):
        builder.add_node("audit", audit)
        builder.add_conditional_edges("agent", to_audit, ["audit", END])
        builder.add_conditional_edges("audit", next_step, [tools, "agent"])
    else:
        builder.add_conditional_edges("agent", next_step, [tools, END])
    builder.add_edge(tools, "join")
    builder.add_conditional_edges("join", next_step, [tools, "agent"])
    return builder.compile(checkpointer=p.checkpointer)


def next_tool_batch(messages: Sequence[BaseMessage], mode: ToolCallsMode) -> list[ToolCall] | None:
    """The calls of the model's last turn to run next: the first stretch with a call not yet answered; `[]` when all are answered; None when the turn has no calls."""
    at = len(messages) - 1
    while at >= 0 and not isinstance(messages[at], AIMessage):
        at -= 1
    last = messages[at] if at >= 0 else None
    calls = last.tool_calls if isinstance(last, AIMessage) else []
    if not calls:
        return None
    answered = {m.tool_call_id for m in messages[at + 1 :] if isinstance(m, ToolMessage)}
    for b in tool_batches(calls, lambda c: c["name"], mode):
        if any(c["id"] not in answered for c in b.calls):
            # the ToolNode takes a Send's list of tool calls as the calls to run
            return [ToolCall(name=c["name"], args=c["args"], id=c["id"], type="tool_call") for c in b.calls]
    return []


def functional_agent(p: AgentParts) -> Any:
    bound = p.model.bind_tools(TOOL_SCHEMAS) if p.model else None
    by_name = {t.name: t for t in p.tools}
    renamed = p.version.has("rename-tool")
    changed_arg = p.version.has("changed-arg")

    @task
    def call_model(messages: list[BaseMessage]) -> AIMessage:
        return _call_model(p, bound, messages, get_config())

    def call_tool_fn(call: dict[str, Any], arg: dict[str, Any] | None = None) -> ToolMessage:
        t = by_name.get(call["name"])
        if t is None:
            raise RuntimeError(f"langgraph: the model called unknown tool '{call['name']}'")
        config = get_config()
        # version 2's tool task (renamed, or called with one more argument) running live; not for the approval tool,
        # whose task runs again when its interrupt is resumed
        if (renamed or (arg or {}).get("version") == 2) and call["name"] != APPROVAL_TOOL:
            v2_ran(p.world, "rename-tool" if renamed else "changed-arg", config)
        # the task's config carries its durable identity (thread, checkpoint namespace with the task id)
        result: ToolMessage = t.invoke({**call, "type": "tool_call"}, config)
        return result

    # version 2, rename-tool: the task under a new name; changed-arg: called with one more argument
    call_tool: Any = task(name=V2_TOOL_TASK if renamed else "call_tool", retry_policy=RETRY)(call_tool_fn)  # type: ignore[arg-type]  # the stub cannot bind its ParamSpec here

    def run_tool(call: ToolCall) -> Any:
        return call_tool(dict(call), dict(V2_TOOL_ARG)) if changed_arg else call_tool(dict(call))

    # version 2, extra-step: one more task before each turn's tool calls
    @task(name="audit", retry_policy=RETRY)
    def audit(calls: int) -> dict[str, int]:
        v2_ran(p.world, "extra-step", get_config())
        return {"audited": calls}

    @entrypoint(checkpointer=p.checkpointer)
    def agent(messages: list[BaseMessage]) -> list[BaseMessage]:
        response: AIMessage = call_model(messages).result()
        for _ in range(MAX_TURNS):
            if not response.tool_calls:
                return cast(list[BaseMessage], add_messages(cast(Any, messages), cast(Any, [response])))
            if p.version.has("extra-step"):
                audit(len(response.tool_calls)).result()
            results: list[ToolMessage] = []
            # each stretch's tasks start together; the next stretch (after an approval: once the human answered) only then
            for batch in tool_batches(response.tool_calls, lambda c: c["name"], p.tool_calls):
                results += [f.result() for f in [run_tool(c) for c in batch.calls]]
            messages = cast(list[BaseMessage], add_messages(cast(Any, messages), cast(Any, [response, *results])))
            response = call_model(messages).result()
        raise RuntimeError("langgraph: too many turns")

    return agent


def build_app(api: str, parts: AgentParts, nesting: str = "none") -> Any:
    if nesting == "none":
        return functional_agent(parts) if api == "functional" else graph_agent(parts)
    # the agent as a subgraph: compiled without a checkpointer, it inherits the parent's and checkpoints under its own
    # namespace; its interrupt surfaces on the parent's task, and the parent is what the worker resumes
    inner = replace(parts, checkpointer=None)
    parent = StateGraph(MessagesState)
    if api == "functional":
        # an entrypoint takes and returns the message list: a node that hands it the parent's messages
        agent = functional_agent(inner)

        def run_agent(state: MessagesState, config: RunnableConfig) -> dict[str, Any]:
            return {"messages": agent.invoke(state["messages"], config)}

        parent.add_node("agent", run_agent)
    else:
        parent.add_node("agent", graph_agent(inner))
    parent.add_edge(START, "agent")
    parent.add_edge("agent", END)
    return parent.compile(checkpointer=parts.checkpointer)


def _flat(api: str, nesting: str) -> bool:
    """The functional agent on its own keeps a bare message list as its state; every other shape a `messages` key."""
    return api == "functional" and nesting == "none"


def initial_input(api: str, task: str, system: str | None, nesting: str = "none", version: AgentVersion = V1) -> Any:
    """A new thread's input: its opening messages, which the checkpoint keeps (version 2's system prompt opens only the threads it begins)."""
    system_msg, user_msg = opening_messages(task, V2_SYSTEM_PROMPT if version.has("system-prompt") else system)
    messages = [SystemMessage(system_msg["content"]), HumanMessage(user_msg["content"])]
    return messages if _flat(api, nesting) else {"messages": messages}


def final_answer(api: str, snap: Any, nesting: str = "none") -> str | None:
    """The final answer once the thread is done: nothing left to run and the last message is the model's answer without tool calls."""
    if not snap.created_at or snap.next:
        return None
    values = snap.values
    messages = values if _flat(api, nesting) else (values or {}).get("messages", [])
    if not isinstance(messages, list) or not messages:
        return None
    last = messages[-1]
    if not isinstance(last, AIMessage) or last.tool_calls:
        return None
    return last.content if isinstance(last.content, str) else str(last.content)
