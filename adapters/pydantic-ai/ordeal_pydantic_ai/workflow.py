"""The workflow: one Pydantic AI agent run; the approval arrives as a Temporal signal."""
from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from ordeal_worker import DEFAULT_SYSTEM_PROMPT
    from pydantic_ai.durable_exec.temporal import PydanticAIWorkflow
    from pydantic_ai.tool_manager import ToolManager

    from .agent import agent
    from .approval import APPROVAL_SIGNAL

WORKFLOW_TYPE = "pydanticAiAgent"


@workflow.defn(name=WORKFLOW_TYPE)
class AgentWorkflow(PydanticAIWorkflow):
    __pydantic_ai_agents__ = [agent]

    def __init__(self) -> None:
        #: the human's decisions by approval id, read by `request_approval` (approval.py)
        self.decisions: dict[str, dict[str, Any]] = {}
        self.approvals = 0

    @workflow.signal(name=APPROVAL_SIGNAL)
    def approval(self, d: dict[str, Any]) -> None:
        """The human's decision, `{approvalId, approved, values?}` (as adapters/temporal/shared.ts), the tool's result."""
        self.decisions[str(d["approvalId"])] = {"approved": bool(d.get("approved")), **({"values": d["values"]} if d.get("values") else {})}

    @workflow.run
    async def run(self, task: dict[str, Any]) -> dict[str, Any]:
        # a turn's calls at once (Pydantic AI's default), or one after another with --opt toolCalls=sequential
        mode = "sequential" if task.get("toolCalls") == "sequential" else "parallel"
        with ToolManager.parallel_execution_mode(mode):
            result = await agent.run(str(task["task"]), instructions=task.get("system") or DEFAULT_SYSTEM_PROMPT)
        return {"answer": result.output}
