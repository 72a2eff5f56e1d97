"""The workflow: one Pydantic AI agent run; the approval arrives as a Temporal signal. A deploy restarts the worker on
version 2 of this code under the same workflow type (harness/agent/deploy.ts); with versioning on, version 2 guards its
change with Temporal's patched()."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from ordeal_worker import DEFAULT_SYSTEM_PROMPT, DEPLOY_PROBE, V2_SYSTEM_PROMPT, patch_id
    from pydantic_ai import Agent
    from pydantic_ai.durable_exec.temporal import PydanticAIWorkflow
    from pydantic_ai.tool_manager import ToolManager

    from .agent import RunDeps, agent
    from .approval import APPROVAL_SIGNAL
    from .context import version, world

WORKFLOW_TYPE = "pydanticAiAgent"


@activity.defn(name="ordeal_audit")
async def audit(calls: int) -> dict[str, int]:
    """Version 2's extra step (deploy change=extra-step): an audit call to the world before a turn's tool calls."""
    world.probe(DEPLOY_PROBE, step=int(activity.info().activity_id), detail={"change": "extra-step"})
    return {"audited": calls}


@workflow.defn(name=WORKFLOW_TYPE)
class AgentWorkflow(PydanticAIWorkflow):
    __pydantic_ai_agents__ = [agent]

    def __init__(self) -> None:
        #: the human's decisions by approval id, read by `request_approval` (approval.py)
        self.decisions: dict[str, dict[str, Any]] = {}
        self.approvals = 0
        #: whether this run takes version 2's path (read by the toolsets of rename-tool, agent.py)
        self.on_v2 = False

    @workflow.signal(name=APPROVAL_SIGNAL)
    def approval(self, d: dict[str, Any]) -> None:
        """The human's decision, `{approvalId, approved, values?}` (as adapters/temporal/shared.ts), the tool's result."""
        self.decisions[str(d["approvalId"])] = {"approved": bool(d.get("approved")), **({"values": d["values"]} if d.get("values") else {})}

    @workflow.run
    async def run(self, task: dict[str, Any]) -> dict[str, Any]:
        # Version 2 with versioning asks patched() once, first thing: replaying a run version 1 began, it finds no marker
        # and says false, so that run keeps version 1's path to its end; a run begun on version 2 records the marker.
        change = version.change
        self.on_v2 = change is not None and (not version.versioning or workflow.patched(patch_id(change)))
        system = V2_SYSTEM_PROMPT if self.on_v2 and change == "system-prompt" else task.get("system") or DEFAULT_SYSTEM_PROMPT
        deps = RunDeps() if self.on_v2 and change == "changed-arg" else None
        # a turn's calls at once (Pydantic AI's default), or one after another with --opt toolCalls=sequential
        mode = "sequential" if task.get("toolCalls") == "sequential" else "parallel"
        with ToolManager.parallel_execution_mode(mode):
            if not (self.on_v2 and change == "extra-step"):
                result = await agent.run(str(task["task"]), instructions=system, deps=deps)
                return {"answer": result.output}
            # extra-step: the agent's graph run node by node, an audit activity before each turn's tool calls
            async with agent.iter(str(task["task"]), instructions=system) as run:
                node = run.next_node
                while not Agent.is_end_node(node):
                    if Agent.is_call_tools_node(node) and node.model_response.tool_calls:
                        await workflow.execute_activity(audit, len(node.model_response.tool_calls), start_to_close_timeout=timedelta(seconds=10))
                    node = await run.next(node)
                assert run.result is not None
                return {"answer": run.result.output}
