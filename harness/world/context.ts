/** What every route handler of the world shares. */
import type { OpSink } from './op-sink.js';
import type { FaultController } from './fault-controller.js';
import type { FromWorld, ReleaseAction, WorldConfig } from './protocol.js';
import { delivered, destroyConnection, sendJson, type Exchange } from './server.js';
import { errorBody } from './http-error.js';

export interface WorldContext {
  config: WorldConfig;
  ops: OpSink;
  faults: FaultController;
  /** Sends to the orchestrator; never throws. */
  send(message: FromWorld): void;
}

/** A release action that ends the request instead of letting it proceed. */
export type EndingAction = Exclude<ReleaseAction, { type: 'continue' } | { type: 'delay' } | { type: 'partial' }>;

export interface FaultEnding {
  /** `dropped`, `reset`, `broken` or `error`. */
  reason: 'dropped' | 'reset' | 'broken' | 'error';
  status?: number;
  /** True only when an injected error answer was fully handed to the client. */
  answered: boolean;
}

/** Carries out an ending release action on a held request: drop or reset the connection, or answer the injected error. */
export async function endWithFault(ex: Exchange, action: EndingAction): Promise<FaultEnding> {
  if (action.type === 'drop') {
    destroyConnection(ex, false);
    return { reason: 'dropped', answered: false };
  }
  if (action.type === 'break') {
    breakAnswer(ex);
    return { reason: 'broken', answered: false };
  }
  if (action.type === 'reset' || action.type === 'replan') {
    destroyConnection(ex, true);
    return { reason: 'reset', answered: false };
  }
  const body = action.body ?? errorBody('injected-fault', `the world answered HTTP ${action.status} because a fault was injected here`);
  sendJson(ex, action.status, body, action.headers ?? {});
  return { reason: 'error', status: action.status, answered: await delivered(ex) };
}

export function isEnding(action: ReleaseAction): action is EndingAction {
  return action.type !== 'continue' && action.type !== 'delay' && action.type !== 'partial';
}

/** Promises a 200 JSON body, sends half of it, then cuts the connection: a model answer broken off mid-stream. */
function breakAnswer(ex: Exchange): void {
  const text = JSON.stringify({
    id: 'chatcmpl-ordeal-broken',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: 'this answer is cut off here' } }],
  });
  ex.res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  ex.res.write(text.slice(0, Math.floor(text.length / 2)), () => destroyConnection(ex, false));
}
