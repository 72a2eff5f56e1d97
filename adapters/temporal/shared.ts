/** Names and types shared by the workflow bundle, the worker and the client (no Node imports: it is bundled). */

import type { Sinks } from '@temporalio/workflow';
import type { AgentTask } from '../../harness/agent/conversation.js';

export const TASK_QUEUE = 'ordeal-agent';
export const NAMESPACE = 'default';
export const WORKFLOW_TYPE = 'agentWorkflow';
export const APPROVAL_SIGNAL = 'approval';

export interface AgentInput extends AgentTask {
  /** Activity timeouts and retries, chosen by the adapter options (see manifest.ts). */
  timeouts: ActivityTimeouts;
}

export interface ActivityTimeouts {
  startToCloseMs: number;
  /** 0 = no heartbeat timeout: a lost attempt is only noticed when start-to-close expires. */
  heartbeatMs: number;
  /** 0 = unset (Temporal's default: wait forever for a worker). */
  scheduleToStartMs: number;
  retryInitialMs: number;
  maxAttempts: number;
}

export interface ApprovalDecisionSignal {
  approvalId: string;
  approved: boolean;
  values?: Record<string, unknown>;
}

/** Sinks: the only way deterministic workflow code tells the worker something (not called on replay). */
export interface JournalSinks extends Sinks {
  journal: {
    /** An activity's result is in the workflow history: the step is journaled. */
    stepJournaled(step: number, name: string): void;
    /** The workflow waits for the human's signal. */
    approvalWaiting(approvalId: string): void;
  };
}
