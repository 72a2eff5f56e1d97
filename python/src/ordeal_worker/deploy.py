"""Version 2 of the agent, as the `deploy` fault ships it (harness/agent/deploy.ts): the declared changes, and which
version this worker runs (`ORDEAL_AGENT_VERSION=2`, `ORDEAL_DEPLOY_CHANGE`, set by the fault)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast

DeployChange = Literal["extra-step", "rename-tool", "changed-arg", "system-prompt"]
#: what version 2 changes, each a kind of change agent teams ship while runs are in flight
DEPLOY_CHANGES: tuple[DeployChange, ...] = ("extra-step", "rename-tool", "changed-arg", "system-prompt")
#: the probe version 2's code sends where a change of it runs live (never on replay)
DEPLOY_PROBE = "deploy:v2"
#: version 2's system prompt (`system-prompt`)
V2_SYSTEM_PROMPT = "You are a careful agent (version 2). Use the tools."


def patch_id(change: DeployChange) -> str:
    """The patch id version 2 marks its change with where the framework versions code by patches (Temporal's patched())."""
    return f"ordeal-v2-{change}"


@dataclass(frozen=True)
class AgentVersion:
    version: Literal[1, 2]
    #: set for version 2: what it changes
    change: DeployChange | None
    #: `--opt versioning=on`: version 2 guards its change with the framework's versioning tool
    versioning: bool

    def has(self, change: DeployChange) -> bool:
        """Whether this is version 2 carrying `change`."""
        return self.version == 2 and self.change == change


def agent_version(env: Mapping[str, str], options: Mapping[str, str] | None = None) -> AgentVersion:
    """The worker's version from its environment; `versioning` from its options (`versioning=on`)."""
    versioning = (options or {}).get("versioning") == "on"
    if env.get("ORDEAL_AGENT_VERSION") != "2":
        return AgentVersion(1, None, versioning)
    change = env.get("ORDEAL_DEPLOY_CHANGE", "")
    if change not in DEPLOY_CHANGES:
        raise RuntimeError(
            f"worker: ORDEAL_DEPLOY_CHANGE must be one of {', '.join(DEPLOY_CHANGES)} with ORDEAL_AGENT_VERSION=2, got '{change}'"
        )
    return AgentVersion(2, cast(DeployChange, change), versioning)
