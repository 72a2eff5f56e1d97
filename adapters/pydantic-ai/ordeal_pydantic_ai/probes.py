"""Probes from workflow code: fire-and-forget, never on replay (the only I/O workflow code does, outside its sandbox)."""
from __future__ import annotations

import sys
import threading
from typing import Any

from temporalio import workflow
from temporalio.worker import Interceptor, StartActivityInput, WorkflowInboundInterceptor, WorkflowInterceptorClassInput, WorkflowOutboundInterceptor

from ordeal_worker import WorldClient


def _send(world: WorldClient, point: str, step: int | None, detail: dict[str, Any] | None) -> None:
    try:
        world.probe(point, step=step, detail=detail)
    except Exception as e:  # noqa: BLE001 - a probe is instrumentation: the run goes on without it
        print(f"pydantic-ai worker: probe {point} failed: {e}", file=sys.stderr)


def probe_from_workflow(world: WorldClient, point: str, step: int | None = None, detail: dict[str, Any] | None = None) -> None:
    """Tells the world where the workflow is, as the TypeScript SDK's sinks do: not while replaying, and without
    waiting (a workflow task must not block on I/O)."""
    if workflow.unsafe.is_replaying():
        return
    with workflow.unsafe.sandbox_unrestricted():
        threading.Thread(target=_send, args=(world, point, step, detail), daemon=True).start()


class JournalProbes(Interceptor):
    """`step:journaled` once an activity's result is in the workflow's history (the workflow has been handed it)."""

    def __init__(self, world: WorldClient) -> None:
        self.world = world

    def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput) -> type[WorkflowInboundInterceptor] | None:
        world = self.world

        class Outbound(WorkflowOutboundInterceptor):
            def start_activity(self, input: StartActivityInput) -> workflow.ActivityHandle[Any]:
                handle = super().start_activity(input)
                seq: int | None = getattr(handle, "_seq", None)  # the activity's position in the workflow: its id
                name = input.activity

                def journaled(done: Any) -> None:
                    if not done.cancelled() and done.exception() is None:
                        probe_from_workflow(world, "step:journaled", seq, {"name": name})

                handle.add_done_callback(journaled)
                return handle

        class Inbound(WorkflowInboundInterceptor):
            def init(self, outbound: WorkflowOutboundInterceptor) -> None:
                super().init(Outbound(outbound))

        return Inbound
