"""Version 2 of the agent (the `deploy` fault): what its changes are named, and the probe it sends where one runs live."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import BaseMessage, SystemMessage
from langchain_core.runnables import RunnableConfig
from ordeal_worker import DEPLOY_PROBE, V2_SYSTEM_PROMPT, AgentVersion, DeployChange, WorldClient

#: version 1, as every worker runs it unless a deploy started it on version 2
V1 = AgentVersion(1, None, False)
#: version 2's name for the tools node (change=rename-tool)
V2_TOOLS_NODE = "tools.v2"
#: version 2's name for the tool task (change=rename-tool)
V2_TOOL_TASK = "call_tool.v2"
#: what version 2 adds to each tool call (change=changed-arg): the graph's Send carries it as the call's state, which
#: the ToolNode hands the tool; the functional API's tool task gets it as one more argument
V2_TOOL_ARG: dict[str, Any] = {"version": 2}


def task_step(config: RunnableConfig) -> str:
    """A task's durable identity: its checkpoint namespace (node or task name and a task id derived from the checkpoint)."""
    return str(config.get("configurable", {}).get("checkpoint_ns") or config.get("metadata", {}).get("langgraph_step", "unknown"))


def v2_ran(world: WorldClient | None, change: DeployChange, config: RunnableConfig) -> None:
    """Version 2's change ran live: the history shows it as a `deploy:v2` probe of this worker."""
    if world is not None:
        world.probe(DEPLOY_PROBE, step=config.get("metadata", {}).get("langgraph_step"), detail={"change": change, "key": task_step(config)})


def opens_with_v2_prompt(messages: Sequence[BaseMessage]) -> bool:
    """Whether a conversation opens with version 2's system prompt (change=system-prompt): only a thread version 2 began."""
    return bool(messages) and isinstance(messages[0], SystemMessage) and messages[0].content == V2_SYSTEM_PROMPT
