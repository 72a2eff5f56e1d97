import { InputError, OrdealError, UsageError } from '../errors.js';
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
import { paramForm } from './schema.js';
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

/** Runs `check`; an error that does not say where the fault came from (a parameter's) is prefixed with `where`. */
function naming<T>(where: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof OrdealError && !e.message.startsWith(where)) e.message = `${where}: ${e.message}`;
    throw e;
  }
}

/**
 * Parses `kill-worker@after-effect:1` or `kill-worker@after-effect:1,restartAfterMs=200`. A parameter given twice, or
 * named `fault` or `at` (which would replace the fault or its trigger), is refused (ORD-103), not the last one counting.
 */
export function parseFaultFlag(text: string): FaultSpec {
  const at = text.indexOf('@');
  if (at <= 0)
    throw new UsageError(`--fault '${text}': expected FAULT@TRIGGER, e.g. kill-worker@after-effect:1 (triggers: ${TRIGGER_GRAMMAR})`, 'ORD-103');
  const name = text.slice(0, at);
  const [trigger = '', ...params] = text.slice(at + 1).split(',');
  const spec: FaultSpec = { fault: name, at: trigger };
  const given = new Set<string>();
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--fault '${text}': parameter '${p}' must be key=value`, 'ORD-103');
    const [k, v] = [p.slice(0, eq), p.slice(eq + 1)];
    if (k === 'fault' || k === 'at')
      throw new UsageError(
        `--fault '${text}': '${k}' is not a parameter: the fault and its trigger are FAULT@TRIGGER, before the first comma`,
        'ORD-103',
      );
    if (given.has(k))
      throw new UsageError(`--fault '${text}': parameter '${k}' given twice (${textOf(spec[k])} and ${v}): expected each parameter once`, 'ORD-103');
    given.add(k);
    // digits too many for a number (Infinity) stay text, so that the message shows them as typed
    spec[k] = /^-?[0-9]+(\.[0-9]+)?$/.test(v) && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  naming(`--fault '${text}'`, () => validateFaultSpec(spec, `--fault '${text}'`));
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

/** Validates a schedule read from JSON (a file or a run folder); every error names the file and the entry (`file[0]`). */
export function validateSchedule(raw: unknown, where: string): Schedule {
  if (!Array.isArray(raw)) throw new InputError(`${where}: a schedule must be a JSON array of {fault, at, …params}`, 'ORD-206');
  return raw.map((f, i) => {
    if (!isRecord(f)) throw new InputError(`${where}[${i}]: expected an object {fault, at}`, 'ORD-206');
    const spec = f as FaultSpec;
    // JSON.parse reads a number too large for a double (1e400) as Infinity, which a message would show as null
    for (const [k, v] of Object.entries(spec))
      if (typeof v === 'number' && !Number.isFinite(v) && k !== 'fault' && k !== 'at') {
        const params = typeof spec.fault === 'string' ? faults[spec.fault]?.params : undefined;
        const p = params && Object.hasOwn(params, k) ? params[k] : undefined;
        throw new InputError(
          `${where}[${i}]: parameter '${k}' is a number too large for JSON (it reads as ${v})${p ? `: expected ${paramForm(p)}` : ''}`,
          'ORD-207',
        );
      }
    naming(`${where}[${i}]`, () => validateFaultSpec(spec, `${where}[${i}]`));
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
