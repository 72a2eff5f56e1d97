"""The kit's view of a deploy: the same changes, probe, prompt and patch ids as harness/agent/deploy.ts."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import _node
from ordeal_worker import DEPLOY_CHANGES, DEPLOY_PROBE, V2_SYSTEM_PROMPT, agent_version, patch_id

DEPLOY_JS = Path(__file__).resolve().parents[2] / "dist/harness/agent/deploy.js"


def test_version_1_unless_the_deploy_fault_says_2() -> None:
    v1 = agent_version({}, {"versioning": "on"})
    assert (v1.version, v1.change, v1.versioning) == (1, None, True)
    assert not v1.has("extra-step")
    v2 = agent_version({"ORDEAL_AGENT_VERSION": "2", "ORDEAL_DEPLOY_CHANGE": "rename-tool"})
    assert (v2.version, v2.change, v2.versioning) == (2, "rename-tool", False)
    assert v2.has("rename-tool") and not v2.has("extra-step")


def test_an_unknown_change_is_an_error_naming_the_known_ones() -> None:
    with pytest.raises(RuntimeError, match="ORDEAL_DEPLOY_CHANGE must be one of extra-step, rename-tool, changed-arg, system-prompt.*got 'typo'"):
        agent_version({"ORDEAL_AGENT_VERSION": "2", "ORDEAL_DEPLOY_CHANGE": "typo"})


def test_the_same_as_harness_agent() -> None:
    script = (
        f"const d = await import({json.dumps(str(DEPLOY_JS))});"
        "console.log(JSON.stringify({ changes: d.DEPLOY_CHANGES, probe: d.DEPLOY_PROBE, prompt: d.V2_SYSTEM_PROMPT,"
        " patch: d.patchId('extra-step'), v: d.agentVersion({ ORDEAL_AGENT_VERSION: '2', ORDEAL_DEPLOY_CHANGE: 'changed-arg' }, { versioning: 'on' }) }));"
    )
    out = json.loads(subprocess.run([_node(), "--input-type=module", "-e", script], capture_output=True, text=True, check=True).stdout)
    assert list(DEPLOY_CHANGES) == out["changes"]
    assert DEPLOY_PROBE == out["probe"]
    assert V2_SYSTEM_PROMPT == out["prompt"]
    assert patch_id("extra-step") == out["patch"]
    v = agent_version({"ORDEAL_AGENT_VERSION": "2", "ORDEAL_DEPLOY_CHANGE": "changed-arg"}, {"versioning": "on"})
    assert {"version": v.version, "change": v.change, "versioning": v.versioning} == out["v"]
