/** The orchestrator's side of a Dapr workflow, per mode: Durable Task's client on the sidecar, or DaprWorkflowClient on daprd. */
import { textOf } from '../../harness/json.js';
import { TaskHubGrpcClient } from '@dapr/durabletask-js';
import type { Outcome } from '../../harness/store/types.js';
import type { DaprMode } from './manifest.js';
import { quietly } from './quiet.js';

export interface WorkflowClient {
  schedule(name: string, input: unknown, instanceId: string): Promise<void>;
  raise(instanceId: string, event: string, data: unknown): Promise<void>;
  outcome(instanceId: string): Promise<Outcome>;
  stop(): Promise<void>;
}

/** Both SDKs report OrchestrationStatus values (Dapr's WorkflowRuntimeStatus mirrors them). */
const STATUS = { COMPLETED: 1, FAILED: 3, TERMINATED: 5 } as const;

function toOutcome(s: { runtimeStatus: number; serializedOutput?: string } | undefined, failure: () => string | undefined): Outcome {
  if (!s) return { status: 'running' };
  if (s.runtimeStatus === STATUS.COMPLETED) {
    const out = s.serializedOutput ? (JSON.parse(s.serializedOutput) as { answer?: unknown }) : {};
    return { status: 'completed', answer: textOf(out.answer ?? '') };
  }
  if (s.runtimeStatus === STATUS.FAILED || s.runtimeStatus === STATUS.TERMINATED) {
    return { status: 'failed', error: failure() ?? `orchestration ${s.runtimeStatus === STATUS.FAILED ? 'failed' : 'terminated'}` };
  }
  return { status: 'running' };
}

/** `address` is `127.0.0.1:<gRPC port>` of the sidecar or of daprd. */
export function workflowClient(mode: DaprMode, address: string): WorkflowClient {
  if (mode === 'durabletask') {
    const c = new TaskHubGrpcClient(address);
    return {
      schedule: async (name, input, id) => void (await quietly(() => c.scheduleNewOrchestration(name, input, id))),
      raise: (id, event, data) => quietly(() => c.raiseOrchestrationEvent(id, event, data)),
      outcome: async (id) => {
        const s = await quietly(() => c.getOrchestrationState(id, true));
        return toOutcome(s, () => s?.failureDetails?.message);
      },
      stop: () => c.stop(),
    };
  }
  const [host, port] = address.split(':');
  // loaded only in daprd mode: @dapr/dapr's root pulls in its HTTP server and actor runtime too
  const client = import('@dapr/dapr').then(({ DaprWorkflowClient }) => new DaprWorkflowClient({ daprHost: host!, daprPort: port! }));
  return {
    schedule: async (name, input, id) => void (await quietly(async () => (await client).scheduleNewWorkflow(name, input, id))),
    raise: (id, event, data) => quietly(async () => (await client).raiseEvent(id, event, data)),
    outcome: async (id) => {
      const s = await quietly(async () => (await client).getWorkflowState(id, true));
      return toOutcome(s, () => s?.workflowFailureDetails?.getErrorMessage());
    },
    stop: async () => (await client).stop(),
  };
}
