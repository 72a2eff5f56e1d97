"""The kit's loop rule: a turn's tool calls grouped as harness/agent's toolBatches groups them."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import _node
from ordeal_worker import APPROVAL_TOOL, TOOL_CALLS_MODES, ToolBatch, ToolCallsMode, tool_batches

LOOP_JS = Path(__file__).resolve().parents[2] / "dist/harness/agent/loop.js"


def shape(batches: list[ToolBatch[str]]) -> list[dict[str, object]]:
    """Batches as harness/agent's ToolBatch objects: `{calls}` or `{approval}`."""
    return [{"approval": b.calls[0]} if b.approval else {"calls": b.calls} for b in batches]


def group(calls: list[str], mode: ToolCallsMode = "concurrent") -> list[dict[str, object]]:
    return shape(tool_batches(calls, lambda c: c.split("#")[0], mode))


def test_concurrent_calls_run_together_and_an_approval_is_a_barrier() -> None:
    assert group(["shell#1", "shell#2"]) == [{"calls": ["shell#1", "shell#2"]}]
    assert group(["read_resource#1", "request_approval#2", "send_email#3", "noop#4"]) == [
        {"calls": ["read_resource#1"]},
        {"approval": "request_approval#2"},
        {"calls": ["send_email#3", "noop#4"]},
    ]
    assert group(["request_approval#1", "request_approval#2"]) == [{"approval": "request_approval#1"}, {"approval": "request_approval#2"}]
    assert group([]) == []


def test_sequential_runs_every_call_alone() -> None:
    assert group(["shell#1", "request_approval#2", "refund#3", "noop#4"], "sequential") == [
        {"calls": ["shell#1"]},
        {"approval": "request_approval#2"},
        {"calls": ["refund#3"]},
        {"calls": ["noop#4"]},
    ]


@pytest.mark.parametrize("mode", TOOL_CALLS_MODES)
def test_groups_as_harness_agent_does(mode: ToolCallsMode) -> None:
    calls = ["shell#1", "shell#2", "request_approval#3", "refund#4", "request_approval#5", "request_approval#6", "noop#7", "send_email#8"]
    script = (
        f"const {{ toolBatches, APPROVAL_TOOL, TOOL_CALLS_MODES }} = await import({json.dumps(str(LOOP_JS))});"
        f"console.log(JSON.stringify({{ batches: toolBatches({json.dumps(calls)}, (c) => c.split('#')[0], {json.dumps(mode)}), APPROVAL_TOOL, TOOL_CALLS_MODES }}));"
    )
    out = json.loads(subprocess.run([_node(), "--input-type=module", "-e", script], capture_output=True, text=True, check=True).stdout)
    assert group(calls, mode) == out["batches"]
    assert APPROVAL_TOOL == out["APPROVAL_TOOL"]
    assert list(TOOL_CALLS_MODES) == out["TOOL_CALLS_MODES"]
