"""The approval: the request reaches the human's inbox through an activity, then the workflow waits for the signal."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import activity, workflow

from .context import world
from .probes import probe_from_workflow

APPROVAL_SIGNAL = "approval"


@activity.defn(name="ordeal_request_approval")
async def post_approval(approval_id: str, summary: str, payload: Any) -> None:
    """Puts the request in the human's inbox (the world); the id is the workflow's own, so a retry asks once."""
    world.request_approval(approval_id, summary, payload)


async def wait_for_approval(summary: str, payload: Any) -> dict[str, Any]:
    """`request_approval`, run in the workflow itself: the request through an activity, then the signal awaited.
    The workflow instance keeps the decisions its `approval` signal handler received, and counts its approvals."""
    wf: Any = workflow.instance()
    wf.approvals += 1
    approval_id = f"{workflow.info().workflow_id}:approval:{wf.approvals}"
    await workflow.execute_activity(post_approval, args=[approval_id, summary, payload], start_to_close_timeout=timedelta(seconds=10))
    probe_from_workflow(world, "approval:waiting", detail={"id": approval_id})
    await workflow.wait_condition(lambda: approval_id in wf.decisions)
    return dict(wf.decisions[approval_id])
