"""The ordeal worker kit: what `harness/agent/` is to JavaScript workers, for Python ones."""
from .conversation import DEFAULT_SYSTEM_PROMPT, opening_messages
from .deploy import DEPLOY_CHANGES, DEPLOY_PROBE, V2_SYSTEM_PROMPT, AgentVersion, DeployChange, agent_version, patch_id
from .env import WorkerEnv, exit_with_parent, parent_alive, read_worker_env
from .loop import APPROVAL_TOOL, TOOL_CALLS_MODES, ToolBatch, ToolCallsMode, tool_batches
from .tools import EFFECT_TOOLS, PARTIAL_EXIT, TOOL_SCHEMAS, TOOLS, ToolContext, is_effect_tool, run_shell, run_tool, tool_args, tool_timeout_s
from .world import WorldClient, WorldHttpError, parse_retry_after

__all__ = [
    "APPROVAL_TOOL",
    "AgentVersion",
    "DEPLOY_CHANGES",
    "DEPLOY_PROBE",
    "DeployChange",
    "V2_SYSTEM_PROMPT",
    "agent_version",
    "patch_id",
    "DEFAULT_SYSTEM_PROMPT",
    "EFFECT_TOOLS",
    "PARTIAL_EXIT",
    "TOOL_SCHEMAS",
    "TOOLS",
    "TOOL_CALLS_MODES",
    "ToolBatch",
    "ToolCallsMode",
    "ToolContext",
    "WorkerEnv",
    "WorldClient",
    "WorldHttpError",
    "exit_with_parent",
    "is_effect_tool",
    "opening_messages",
    "parent_alive",
    "parse_retry_after",
    "read_worker_env",
    "run_shell",
    "run_tool",
    "tool_batches",
    "tool_args",
    "tool_timeout_s",
]
