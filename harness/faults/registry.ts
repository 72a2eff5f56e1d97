import { InputError, UsageError } from '../errors.js';
import { isRecord, textOf } from '../json.js';
import type { FaultSpec, Schedule } from '../store/types.js';
import { killEngine } from './kill-engine.js';
import { killWorker } from './kill-worker.js';
import { crashLoop } from './crash-loop.js';
import { ackLoss } from './ack-loss.js';
import { clockJump } from './clock-jump.js';
import { deploy } from './deploy.js';
import { extraWorker } from './extra-worker.js';
import { humanEdit, humanLate, humanReject, humanTwice } from './human.js';
import { llmError } from './llm-error.js';
import { diskFull, fsyncError, powerLoss } from './machine.js';
import { netLatency, netPartition, netReset } from './net.js';
import { partialShell } from './partial-shell.js';
import { pauseWorker } from './pause-worker.js';
import { stateDrift } from './state-drift.js';
import { toolTimeout } from './tool-timeout.js';
import { parseTrigger, TRIGGER_GRAMMAR } from './trigger.js';
import type { Fault } from './types.js';

/**
 * Every fault ordeal knows, by name, in the order `ordeal list` shows them. No prototype: a name such as `toString` or
 * `__proto__` names no fault (an unknown fault, exit 2), not an Object method.
 */
export const faults: Record<string, Fault> = Object.assign(
  Object.create(null) as Record<string, Fault>,
  Object.fromEntries(
    [
      killWorker,
      crashLoop,
      killEngine,
      pauseWorker,
      toolTimeout,
      ackLoss,
      partialShell,
      stateDrift,
      llmError,
      humanLate,
      humanReject,
      humanTwice,
      humanEdit,
      netLatency,
      netReset,
      netPartition,
      powerLoss,
      diskFull,
      fsyncError,
      extraWorker,
      clockJump,
      deploy,
    ].map((f) => [f.name, f]),
  ),
);

/** Parses `kill-worker@after-effect:1` or `kill-worker@after-effect:1,restartAfterMs=200`. */
export function parseFaultFlag(text: string): FaultSpec {
  const at = text.indexOf('@');
  if (at <= 0)
    throw new UsageError(`--fault '${text}': expected FAULT@TRIGGER, e.g. kill-worker@after-effect:1 (triggers: ${TRIGGER_GRAMMAR})`, 'ORD-103');
  const name = text.slice(0, at);
  const [trigger = '', ...params] = text.slice(at + 1).split(',');
  const spec: FaultSpec = { fault: name, at: trigger };
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--fault '${text}': parameter '${p}' must be key=value`, 'ORD-103');
    const v = p.slice(eq + 1);
    spec[p.slice(0, eq)] = /^-?[0-9]+(\.[0-9]+)?$/.test(v) ? Number(v) : v;
  }
  validateFaultSpec(spec, `--fault '${text}'`);
  return spec;
}

export function validateFaultSpec(spec: FaultSpec, where: string): Fault {
  // checked first: anything else used as a key or in a message may not even convert to a string
  if (typeof spec.fault !== 'string')
    throw new InputError(`${where}: field 'fault' must be a fault name: one of ${Object.keys(faults).join(', ')}`, 'ORD-205');
  const fault = faults[spec.fault];
  if (!fault) throw new InputError(`${where}: unknown fault '${spec.fault}': expected one of ${Object.keys(faults).join(', ')}`, 'ORD-205');
  if (typeof spec.at !== 'string') throw new InputError(`${where}: field 'at' must be a trigger string (${TRIGGER_GRAMMAR})`, 'ORD-204');
  const trigger = parseTrigger(spec.at, `${where}: trigger`);
  if (fault.triggers && !fault.triggers.includes(trigger.kind))
    throw new InputError(
      `${where}: fault '${spec.fault}' cannot fire on '${spec.at}': expected a trigger of kind ${fault.triggers.join(', ')}`,
      'ORD-204',
    );
  fault.validate(spec);
  return fault;
}

/** Validates a schedule read from JSON (a file or a run folder). */
export function validateSchedule(raw: unknown, where: string): Schedule {
  if (!Array.isArray(raw)) throw new InputError(`${where}: a schedule must be a JSON array of {fault, at, …params}`, 'ORD-206');
  return raw.map((f, i) => {
    if (!isRecord(f)) throw new InputError(`${where}[${i}]: expected an object {fault, at}`, 'ORD-206');
    const spec = f as FaultSpec;
    validateFaultSpec(spec, `${where}[${i}]`);
    return spec;
  });
}

export function formatFault(spec: FaultSpec): string {
  const params = Object.entries(spec)
    .filter(([k]) => k !== 'fault' && k !== 'at')
    .map(([k, v]) => `,${k}=${textOf(v)}`)
    .join('');
  return `${spec.fault}@${spec.at}${params}`;
}
