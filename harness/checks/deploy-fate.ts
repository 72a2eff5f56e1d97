/**
 * What a deploy did to the run in flight: it kept the old behaviour, failed with a non-determinism error, failed or
 * stuck with no such error, ran version 2's code on the state version 1 left, or did work twice. Only a schedule with
 * `deploy` is judged, and only a run that had begun (its first model call) before the deploy did.
 */
import { textOf } from '../json.js';
import type { RunRecord } from '../store/types.js';
import { expectationOf } from './expectation.js';
import type { Anomaly, Checker, CheckResult } from './types.js';
import { clip, entriesOf, indexOf, isRecord, listRefs, num, opsOf, valueOf } from './util.js';

/**
 * The fates; the checker's `fate` metric is the index (0: kept the old behaviour), higher is worse. A run broken with no
 * non-determinism error is the worst: it did not survive the deploy, and the framework never said the change was why.
 */
export const DEPLOY_FATES = ['kept-old-behaviour', 'new-code-on-old-state', 'duplicated-work', 'non-determinism', 'broken-run'] as const;
export type DeployFate = (typeof DEPLOY_FATES)[number];

// DBOS's is DBOSUnexpectedStepError: the step recorded at a function id is not the one the code calls there
const NON_DETERMINISM = /non-?determinis|determinism violation|journal mismatch|DBOSUnexpectedStepError/i;

function check(run: RunRecord): CheckResult {
  const history = opsOf(run?.history);
  const at = history.findIndex((op) => op.f === 'fault' && op.type === 'invoke' && valueOf(op).fault === 'deploy');
  if (at < 0) return { valid: true, anomalies: [], metrics: {} };
  const deployOp = indexOf(history[at]!, at);
  const spec = valueOf(history[at]!);
  const what = `the deploy of version 2 (change ${textOf(spec.change ?? 'extra-step')}) at ${textOf(spec.at)}`;
  const deployTime = num(history[at]!.time) ?? 0;
  // a run whose first model call came after the deploy began on version 2: there was no run in flight to judge
  const begun = history.findIndex((op) => op.f === 'llm' && op.type === 'invoke');
  if (begun < 0 || begun > at) return { valid: true, anomalies: [], metrics: { fate: 0, v2Steps: 0 } };

  const v2 = history
    .map((op, position) => ({ op, position }))
    .filter(({ op, position }) => position > at && op.f === 'probe' && valueOf(op).point === 'deploy:v2');
  const v2Ops = v2.map(({ op, position }) => indexOf(op, position));
  // effects applied again after the deploy: an effect with a second `applied` request
  const applied = new Map<string, number[]>();
  for (const e of entriesOf(run?.ledger)) if (e.outcome === 'applied') applied.set(e.effect, [...(applied.get(e.effect) ?? []), e.seq]);
  const twice = [...applied.entries()].filter(([, seqs]) => seqs.length > 1);
  const twiceAfter = twice.filter(([effect]) =>
    entriesOf(run?.ledger).some((e) => e.effect === effect && e.outcome === 'applied' && e.time >= deployTime),
  );

  const outcome: Record<string, unknown> = isRecord(run?.outcome) ? run.outcome : {};
  const error = typeof outcome.error === 'string' ? outcome.error : '';
  // a failure the schedule made on purpose (a crash loop that spent the retry policy) is not the deploy's
  const broken = (outcome.status === 'failed' && !expectationOf(run).spent) || outcome.status === 'running';
  let fate: DeployFate = 'kept-old-behaviour';
  let anomaly: Anomaly | undefined;
  if (NON_DETERMINISM.test(error)) {
    fate = 'non-determinism';
    anomaly = {
      kind: 'deploy-non-determinism',
      message: `The run in flight did not survive ${what}: it failed with a non-determinism error (${clip(error, 400)}).`,
      witnesses: { ops: [deployOp] },
    };
  } else if (broken) {
    fate = 'broken-run';
    const how =
      outcome.status === 'running' ? 'it had not finished when the harness stopped waiting' : `it failed (${clip(error || 'no error message', 400)})`;
    anomaly = {
      kind: 'deploy-broken-run',
      message: `The run in flight did not survive ${what}: ${how}, and no non-determinism error named the change as the cause.`,
      witnesses: { ops: [deployOp] },
    };
  } else if (twiceAfter.length) {
    fate = 'duplicated-work';
    anomaly = {
      kind: 'deploy-duplicated-work',
      message: `After ${what} the world applied ${twiceAfter.map(([e, seqs]) => `${e} ${seqs.length} times (${listRefs(seqs)})`).join(', ')}.`,
      witnesses: { ops: [deployOp], ledger: twiceAfter.flatMap(([, seqs]) => seqs) },
    };
  } else if (v2Ops.length) {
    fate = 'new-code-on-old-state';
    anomaly = {
      kind: 'deploy-new-code-on-old-state',
      message: `After ${what} the run begun on version 1 went on with version 2's code (${v2Ops.length} live ${v2Ops.length === 1 ? 'step' : 'steps'} of the change): the framework did not keep the old behaviour for it.`,
      witnesses: { ops: [deployOp, ...v2Ops.slice(0, 5)] },
    };
  }
  return {
    valid: anomaly ? false : true,
    anomalies: anomaly ? [anomaly] : [],
    metrics: { fate: DEPLOY_FATES.indexOf(fate), v2Steps: v2Ops.length },
  };
}

export const deployFate: Checker = {
  name: 'deploy-fate',
  metrics: ['fate', 'v2Steps'],
  description:
    "With a deploy: the run in flight kept version 1's behaviour (valid), or failed with a non-determinism error, failed or stuck without one, ran version 2's code on version 1's state, or did work twice (each invalid).",
  check,
};
