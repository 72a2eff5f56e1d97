"""The agent's tools, shared by every Python worker: real bash, and HTTP to the world (harness/agent/tools.ts)."""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from typing import Any

from .world import JSON, WorldClient

EFFECT_TOOLS = ("send_email", "charge_card", "refund", "open_pr", "post_comment", "update_ticket")
TOOLS = ("shell", "read_resource", "write_resource", "request_approval", "noop", *EFFECT_TOOLS)


def is_effect_tool(name: str) -> bool:
    return name in EFFECT_TOOLS


@dataclass
class ToolContext:
    world: WorldClient
    workspace: str
    #: sent as `Idempotency-Key` with effects; None in `none` mode
    idempotency_key: str | None = None
    #: step identity for probes
    step: int | str | None = None
    attempt: int | None = None
    timeout_s: float | None = None


def tool_args(arguments: str | None) -> JSON:
    """A tool call's JSON arguments; a model can send garbage, which is the tool's error, not a crash."""
    try:
        v = json.loads(arguments or "{}")
    except ValueError:
        raise ValueError(f"tool arguments are not JSON: {arguments}") from None
    return v if isinstance(v, dict) else {}


def tool_timeout_s(env: dict[str, str] | None = None) -> float:
    """How long an effect call may take (`ORDEAL_TOOL_TIMEOUT_MS`, set by the orchestrator for tool-timeout faults)."""
    try:
        v = float((os.environ if env is None else env).get("ORDEAL_TOOL_TIMEOUT_MS", ""))
    except ValueError:
        return 30.0
    return v / 1000 if v > 0 else 30.0


def run_tool(name: str, args: JSON, ctx: ToolContext) -> JSON:
    """Runs one tool call (all but `request_approval`, which each framework waits for in its own way)."""
    if name == "shell":
        r = run_shell(str(args.get("command", "")), ctx)
        # `check: true` makes a failed command a failed tool call (retried by the framework), like subprocess.run(check=True)
        if args.get("check") is True and r["exitCode"] != 0:
            raise RuntimeError(f"shell command exited {r['exitCode']}: {str(r['stderr'])[-300:]}")
        return r
    if name == "read_resource":
        return ctx.world.read_resource(str(args.get("id")))
    if name == "write_resource":
        version = args.get("version")
        return ctx.world.write_resource(str(args.get("id")), args.get("value"), version if isinstance(version, (int, float)) and not isinstance(version, bool) else None)
    if name == "noop":
        return {"ok": True}
    if is_effect_tool(name):
        return ctx.world.effect(name, args, ctx.idempotency_key, ctx.timeout_s or tool_timeout_s())
    raise ValueError(f"unknown tool '{name}'")


#: partial-shell: a DEBUG trap runs before every simple command of the script; once k of them ran, the shell exits 97
#: instead of running the next one. So `a && b && c` with k=2 runs a and b, never c.
PARTIAL_EXIT = 97
PARTIAL_PRELUDE = (
    "__ordeal_ops=0; trap '__ordeal_ops=$((__ordeal_ops+1)); if [ \"$__ordeal_ops\" -gt \"$ORDEAL_PARTIAL_SHELL_K\" ]; then "
    'echo "ordeal partial-shell: stopped after $ORDEAL_PARTIAL_SHELL_K sub-operation(s)" >&2; exit ' + str(PARTIAL_EXIT) + "; fi' DEBUG"
)


def run_shell(command: str, ctx: ToolContext) -> JSON:
    """Real bash in the workspace; the world is told first so that shell faults can fire."""
    plan: Any = ctx.world.probe("shell:before", step=ctx.step, attempt=ctx.attempt, detail={"command": command})
    partial = plan.get("partial") if isinstance(plan, dict) else None
    env = dict(os.environ)
    script = command
    if partial:
        env["ORDEAL_PARTIAL_SHELL_K"] = str(partial["k"])
        script = f"{PARTIAL_PRELUDE}\n{command}"
    try:
        p = subprocess.run(["bash", "-c", script], cwd=ctx.workspace, env=env, capture_output=True, text=True, timeout=ctx.timeout_s or 60)
        return {"exitCode": p.returncode if p.returncode >= 0 else 128, "stdout": p.stdout[-4000:], "stderr": p.stderr[-4000:]}
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
        return {"exitCode": 128, "stdout": out[-4000:], "stderr": err[-4000:]}


def _obj(properties: dict[str, Any], required: list[str]) -> JSON:
    return {"type": "object", "properties": properties, "required": required}


_s: JSON = {"type": "string"}
_n: JSON = {"type": "number"}

#: OpenAI function definitions, the same as harness/agent/tools.ts `toolSchemas`
TOOL_SCHEMAS: list[JSON] = [
    {"type": "function", "function": {"name": name, "description": description, "parameters": parameters}}
    for name, description, parameters in [
        ("shell", "Run a bash command in the workspace (check: a non-zero exit fails the call)", _obj({"command": _s, "check": {"type": "boolean"}}, ["command"])),
        ("read_resource", "Read a versioned resource", _obj({"id": _s}, ["id"])),
        ("write_resource", "Write a versioned resource", _obj({"id": _s, "value": {}, "version": _n}, ["id", "value"])),
        ("request_approval", "Ask a human to approve", _obj({"summary": _s, "payload": {"type": "object"}}, ["summary"])),
        ("send_email", "Send an email", _obj({"to": _s, "subject": _s, "body": _s}, ["to"])),
        ("charge_card", "Charge a card", _obj({"customer": _s, "amount": _n}, ["amount"])),
        ("refund", "Refund an order", _obj({"order": _s, "amount": _n}, ["order"])),
        ("open_pr", "Open a pull request", _obj({"repo": _s, "title": _s, "branch": _s}, ["title"])),
        ("post_comment", "Post a comment", _obj({"issue": _n, "body": _s}, ["body"])),
        ("update_ticket", "Update a ticket", _obj({"ticket": _s, "status": _s}, ["ticket"])),
        ("noop", "Do nothing", _obj({}, [])),
    ]
]
