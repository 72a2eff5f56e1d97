import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordeal, tempDir } from '../helpers/cli.js';
import { engineInstalled, history, ledger, runOne, spans } from '../helpers/run-folder.js';
import { crashLoopOnRefund, expectRefundDeduplicated, expectRefundTwice } from '../helpers/refund.js';

const { installed, skipReason } = engineInstalled('restate');

const run = (args: string[]) => runOne(['--adapter', 'restate', ...args]);

describe.skipIf(!installed)(`ordeal run --adapter restate on the real restate-server${installed ? '' : ` — skipped: ${skipReason}`}`, () => {
  it('repeats the refund when the worker dies after the effect and tools send no idempotency key', async () => {
    const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1', '--idempotency', 'none']);
    expect(code, stderr).toBe(1);
    expectRefundTwice(c);
  });

  it('counts each crashed attempt against the workflow retry policy: with maxAttempts=3 three crashes kill the invocation, as the policy says', async () => {
    // retries 2 s apart: each restarted worker is up before the next attempt, which it crashes (README: "A call that crashes its worker")
    const args = [
      '--opt',
      'maxAttempts=3',
      '--opt',
      'retryIntervalMs=2000',
      '--scenario',
      'refund-agent',
      '--fault',
      'crash-loop@before-effect:1,times=3',
    ];
    const { code, stderr, c } = await run(args);
    expect(code, stderr).toBe(0);
    expect(crashLoopOnRefund(c.runDir)).toEqual({ attempts: 3, kills: 3, status: 'failed', applied: 0, attemptsMetric: 3 });
  });

  it('bounds the invocation, not a step: with maxAttempts=3, three crashes far apart, each after progress, kill the invocation', async () => {
    const kills = ['kill-worker@step:5', 'kill-worker@step:15', 'kill-worker@step:25'].flatMap((f) => ['--fault', f]);
    const { code, stderr, c } = await run(['--opt', 'maxAttempts=3', '--scenario', 'long-chain', ...kills]);
    expect(code, stderr).toBe(1);
    const ops = history(c.runDir);
    // the restarted worker journaled steps of its own before the next kill: the crashes are unrelated, no step failed
    // twice, and the count did not start again. (Under load an attempt refused while a worker restarts counts too, and the
    // invocation may be killed at the second crash, before worker#3 journals anything.)
    const journaledBy = (w: string) =>
      ops.filter((o) => o.process === w && o.f === 'probe' && o.value.point === 'step:journaled' && !o.value.replayed);
    for (const w of ['worker#1', 'worker#2']) expect(journaledBy(w).length, w).toBeGreaterThan(3);
    expect(ops.find((o) => o.f === 'outcome')?.value.status).toBe('failed');
    expect(c.checks.completion!.anomalies.map((a) => a.kind)).toEqual(['failed']);
    // with the server's policy (70 attempts, then pause) the same three crashes are survived
    const survived = await run(['--scenario', 'long-chain', ...kills]);
    expect(survived.code, survived.stderr).toBe(0);
  });

  it('deduplicates the re-run step with a key from Restate’s invocation id and journal position', async () => {
    const { code, stderr, c } = await run(['--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1', '--idempotency', 'framework']);
    expect(code, stderr).toBe(0);
    const key = expectRefundDeduplicated(c, /^inv_\w+:\d+$/);
    expect(history(c.runDir).some((o) => o.process === 'worker#1' && o.f === 'death' && o.value.signal === 'SIGKILL')).toBe(true);

    // one trace: the orchestrator's case, the Restate server's spans (OTLP/gRPC) under it, the workers' spans under the server's attempts
    const s = spans(c.runDir);
    const caseSpan = s.find((x) => x.name === 'ordeal.case refund-agent')!;
    expect(new Set(s.map((x) => x.traceId))).toEqual(new Set([caseSpan.traceId]));
    const server = s.filter((x) => x.resource['service.name'] === 'Restate');
    expect(server.find((x) => x.name.startsWith('ingress '))?.parentSpanId).toBe(caseSpan.spanId);
    const attempts = new Set(server.filter((x) => x.name.startsWith('invocation-attempt ')).map((x) => x.spanId));
    const agents = s.filter((x) => x.resource['service.name'] === 'ordeal-worker-restate' && x.name === 'invoke_agent ordeal-agent');
    expect(new Set(agents.map((x) => x.resource['process.pid'])).size).toBe(2);
    expect(agents.every((x) => attempts.has(x.parentSpanId!))).toBe(true);
    const refund = s.find((x) => x.name === 'execute_tool refund');
    expect(refund?.attributes['ordeal.idempotency_key']).toBe(key);
    expect(s.some((x) => x.attributes['ordeal.replayed'] === true && x.name === 'chat ordeal-scripted')).toBe(true);
  });

  it('finishes coding-agent after the server is SIGKILLed while the agent waits for approval, every effect once', async () => {
    const { code, stderr, c } = await run(['--scenario', 'coding-agent', '--fault', 'kill-engine@approval:waiting']);
    expect(code, stderr).toBe(0);
    const h = history(c.runDir);
    expect(h.some((o) => o.process === 'engine#1' && o.f === 'death' && o.value.signal === 'SIGKILL')).toBe(true);
    expect(h.some((o) => o.process === 'engine#2' && o.f === 'start')).toBe(true);
    expect(ledger(c.runDir).map((e) => [e.effect, e.outcome])).toEqual([
      ['pr:fix-add', 'applied'],
      ['comment:issue-17', 'applied'],
    ]);
    const outcome = h.find((o) => o.f === 'outcome')!.value;
    expect(outcome.status).toBe('completed');
  });

  // restatedev/restate #5196 (1.6.2, Java SDK): a ctx.run failed once, its retry hung, the inactivity timeout suspended
  // the invocation with the run's completion still open, and nothing ever ran it again. Here the TypeScript SDK does not
  // suspend inside a running closure: the abort timeout closes the hung attempt and Restate retries it.
  it('closes a hung ctx.run retry at its inactivity and abort timeouts and runs it again, without waiting for the hang (#5196 does not reproduce)', async () => {
    const hangMs = 25_000; // the server gives up on the attempt after ~11 s here: room for a loaded machine
    const { code, stderr, c } = await run([
      '--opt',
      'inactivityTimeoutMs=2000',
      '--opt',
      'abortTimeoutMs=2000',
      '--scenario',
      'refund-agent',
      '--fault',
      'llm-error@llm-call:2,mode=500',
      '--fault',
      `llm-error@llm-call:3,mode=hang,ms=${hangMs}`,
    ]);
    expect(code, stderr).toBe(0);
    const h = history(c.runDir);
    const calls = h.filter((o) => o.f === 'llm' && o.type === 'invoke' && o.value.turn === 1);
    expect(calls.map((o) => o.process)).toEqual(['worker#1', 'worker#1', 'worker#1']); // the 500, the hang, the retry: one worker
    // the retry came while the world still held the hung call: the server gave up on it, the call did not fail
    const released = h.find((o) => o.process === 'nemesis' && o.f === 'fault' && o.type === 'ok' && o.value.mode === 'hang')!;
    expect(calls[2]!.time).toBeLessThan(released.time);
    expect(readFileSync(join(c.runDir, 'logs', 'engine.log'), 'utf8')).toMatch(/closed after the 'abort timeout' \(2s\) fired/);
  }, 90_000);

  it('runs coding-agent without faults: the real shell edit lands and the answer comes back', async () => {
    const calm = join(tempDir(), 'calm.json');
    writeFileSync(calm, '[]');
    const { code, stderr, c } = await run(['--scenario', 'coding-agent', '--schedule', calm]);
    expect(code, stderr).toBe(0);
    expect(readFileSync(join(c.runDir, 'workspace', 'src/math.sh'), 'utf8')).toBe('add() { echo $(( $1 + $2 )); }\n');
    expect(String(history(c.runDir).find((o) => o.f === 'outcome')!.value.answer)).toContain('tests pass');
  });
});

describe('ordeal run --adapter restate without the engine', () => {
  it('exits 3 and names the install command', async () => {
    const r = await ordeal(['run', '--adapter', 'restate', '--scenario', 'refund-agent', '--out', tempDir()], {
      env: { ORDEAL_ENGINES_DIR: tempDir('no-engines-') },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ordeal engines install restate');
  });
});
