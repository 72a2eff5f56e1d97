"""Temporal's Worker Versioning for the Pydantic AI worker (`--opt workerVersioning=pinned`), as the temporal adapter
does it (adapters/temporal/worker-versioning.ts): a version of the Worker Deployment `ordeal-agent` (build id `1`, or
`2-<change>`), its workflows PINNED, and a version newer than the current one made current once it polls."""
from __future__ import annotations

import asyncio
import time

from temporalio.api.workflowservice.v1 import DescribeWorkerDeploymentRequest, SetWorkerDeploymentCurrentVersionRequest
from temporalio.client import Client
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import WorkerDeploymentConfig

from ordeal_worker.deploy import AgentVersion

DEPLOYMENT_NAME = "ordeal-agent"


def build_id(v: AgentVersion) -> str:
    return "1" if v.version == 1 else f"2-{v.change}"


def deployment_config(v: AgentVersion) -> WorkerDeploymentConfig:
    return WorkerDeploymentConfig(
        version=WorkerDeploymentVersion(deployment_name=DEPLOYMENT_NAME, build_id=build_id(v)),
        use_worker_versioning=True,
        default_versioning_behavior=VersioningBehavior.PINNED,
    )


async def promote_own_version(client: Client, namespace: str, v: AgentVersion, timeout_s: float = 30.0) -> None:
    """Waits until this worker's version polls, then makes it current if none is, or the current one is older."""
    mine = build_id(v)
    deadline = time.monotonic() + timeout_s
    service = client.workflow_service
    while True:
        try:
            if await _try_promote(service, namespace, v, mine):
                return
        except RPCError as e:
            # the server rate-limits the requests to one Worker Deployment (seen on a loaded machine): wait, then ask again
            if e.status != RPCStatusCode.RESOURCE_EXHAUSTED or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)
            continue
        if time.monotonic() > deadline:
            raise RuntimeError(f"pydantic-ai worker: version {mine} of deployment {DEPLOYMENT_NAME} was not seen polling in {timeout_s} s")
        await asyncio.sleep(0.1)


async def _try_promote(service, namespace: str, v: AgentVersion, mine: str) -> bool:
    """One look at the deployment: True once this version is current or a newer one is; False to look again."""
    try:
        info = (
            await service.describe_worker_deployment(DescribeWorkerDeploymentRequest(namespace=namespace, deployment_name=DEPLOYMENT_NAME))
        ).worker_deployment_info
        versions = [s.deployment_version.build_id for s in info.version_summaries]
        current = info.routing_config.current_deployment_version.build_id
    except RPCError as e:
        if e.status != RPCStatusCode.NOT_FOUND:
            raise
        versions, current = [], ""
    if mine not in versions:
        return False
    if current and int(current.split("-")[0]) >= v.version:
        return True
    try:
        await service.set_worker_deployment_current_version(
            SetWorkerDeploymentCurrentVersionRequest(namespace=namespace, deployment_name=DEPLOYMENT_NAME, build_id=mine)
        )
        return True
    except RPCError as e:
        # not every task queue of the current version seen polling on this one yet: a pipeline waits too
        if e.status != RPCStatusCode.FAILED_PRECONDITION:
            raise
        return False
