"""The kit's tools: the same schemas as harness/agent, real bash with the partial-shell trap, effects with their key."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import World, harness_definitions
from ordeal_worker import DEFAULT_SYSTEM_PROMPT, PARTIAL_EXIT, TOOL_SCHEMAS, ToolContext, WorldClient, read_worker_env, run_tool, tool_args


def test_tool_schemas_and_system_prompt_are_harness_agents() -> None:
    d = harness_definitions()
    assert TOOL_SCHEMAS == d["toolSchemas"]
    assert DEFAULT_SYSTEM_PROMPT == d["defaultSystemPrompt"]


def test_shell_runs_real_bash_in_the_workspace(world: World, workspace: Path) -> None:
    r = run_tool("shell", {"command": "echo hi > out.txt && cat out.txt"}, ToolContext(WorldClient(world.url), str(workspace)))
    assert r["exitCode"] == 0 and r["stdout"] == "hi\n"
    assert [p["value"]["point"] for p in world.ops("probe")] == ["shell:before"]


def test_shell_with_check_fails_the_call_on_a_non_zero_exit(world: World, workspace: Path) -> None:
    with pytest.raises(RuntimeError, match="exited 3"):
        run_tool("shell", {"command": "exit 3", "check": True}, ToolContext(WorldClient(world.url), str(workspace)))


def test_partial_shell_stops_after_k_sub_operations(world: World, workspace: Path) -> None:
    world.arm([{"index": 0, "trigger": {"kind": "shell", "n": 1}}])
    import threading

    def release() -> None:
        t = world.wait_for(lambda m: m.get("kind") == "trigger")
        world.send({"kind": "release", "holdId": t["holdId"], "action": {"type": "partial", "k": 1}})

    threading.Thread(target=release, daemon=True).start()
    r = run_tool("shell", {"command": "echo a > a.txt && echo b > b.txt"}, ToolContext(WorldClient(world.url), str(workspace)))
    assert r["exitCode"] == PARTIAL_EXIT
    assert (workspace / "a.txt").exists() and not (workspace / "b.txt").exists()
    assert "stopped after 1 sub-operation" in r["stderr"]


def test_effects_send_the_idempotency_key_and_other_tools_answer_from_the_world(world: World, workspace: Path) -> None:
    ctx = ToolContext(WorldClient(world.url), str(workspace), idempotency_key="lg:t:tools:1:call_1")
    run_tool("send_email", {"to": "ana@example.com", "subject": "s", "body": "b"}, ctx)
    run_tool("send_email", {"to": "ana@example.com", "subject": "s", "body": "b"}, ctx)
    assert [e["outcome"] for e in world.jsonl("ledger.jsonl")] == ["applied", "deduplicated"]
    assert run_tool("read_resource", {"id": "order/1042"}, ctx)["version"] == 1
    assert run_tool("noop", {}, ctx) == {"ok": True}
    with pytest.raises(ValueError, match="unknown tool 'fly'"):
        run_tool("fly", {}, ctx)


def test_tool_args_and_the_worker_environment_name_what_is_wrong() -> None:
    assert tool_args('{"id": "x"}') == {"id": "x"}
    with pytest.raises(ValueError, match="not JSON"):
        tool_args("{nope")
    with pytest.raises(RuntimeError, match="ORDEAL_RUN_ID is not set"):
        read_worker_env({"ORDEAL_IDEMPOTENCY": "none"})
    env = read_worker_env(
        {"ORDEAL_RUN_ID": "r", "ORDEAL_WORLD_URL": "http://w", "ORDEAL_DATA_DIR": "/d", "ORDEAL_WORKSPACE": "/ws", "ORDEAL_IDEMPOTENCY": "none", "ORDEAL_OPTIONS": '{"api": "graph"}'}
    )
    assert env.idempotency == "none" and env.options == {"api": "graph"}
