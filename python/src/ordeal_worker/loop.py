"""What every agent loop does the same way, as `harness/agent/loop.ts`: how a turn's tool calls are grouped (concurrent runs, an approval as a barrier)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

#: the tool every framework waits on in its own way (signal, awakeable, external event, interrupt)
APPROVAL_TOOL = "request_approval"

#: `--opt toolCalls=`: a turn's tool calls run at once (the default) or one after another
ToolCallsMode = Literal["concurrent", "sequential"]
TOOL_CALLS_MODES: tuple[ToolCallsMode, ...] = ("concurrent", "sequential")

C = TypeVar("C")


@dataclass(frozen=True)
class ToolBatch(Generic[C]):
    """A group of one turn's tool calls: calls run together, or (`approval`) the approval call that nothing else runs beside."""

    calls: list[C] = field(default_factory=list)
    approval: bool = False


def tool_batches(calls: Sequence[C], name_of: Callable[[C], str], mode: ToolCallsMode = "concurrent") -> list[ToolBatch[C]]:
    """A turn's tool calls in the order the loop runs them. Concurrent: each stretch of calls between approvals runs at
    once, and an approval is a barrier (the calls before it finish first, the calls after it start once the human has
    answered). Sequential: every call alone, one after another."""
    out: list[ToolBatch[C]] = []
    run: list[C] = []
    for call in calls:
        if name_of(call) == APPROVAL_TOOL:
            if run:
                out.append(ToolBatch(run))
            run = []
            out.append(ToolBatch([call], approval=True))
        elif mode == "sequential":
            out.append(ToolBatch([call]))
        else:
            run.append(call)
    if run:
        out.append(ToolBatch(run))
    return out
