import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkers } from '../../harness/checks/index.js';
import { engines, enginesRoot } from '../../harness/engines/index.js';
import { faults } from '../../harness/faults/index.js';
import { ordeal, root, tempDir } from '../helpers/cli.js';
import { postgresAnswers } from '../helpers/postgres.js';
import { runOne } from '../helpers/run-folder.js';
import { between, failures, faultEnds, faultWindow, history, runFault, workerSent, type CaseJson } from './fault-cases.js';

describe('network faults through a real Toxiproxy, and fault specs (reference runtime)', () => {
  it('net-reset after the refund was applied duplicates it with --idempotency none, not with framework', async () => {
    const none = await runFault(['refund-agent'], ['net-reset@after-effect:1,ms=500'], 'none');
    expect(failures(none.cases[0]!)).toEqual({ 'exactly-once-effects': ['duplicate'], 'approval-integrity': ['acted-more-than-once'] });
    expect(faultEnds(none.cases[0]!)).toEqual(['ok']);
    expect(existsSync(join(none.cases[0]!.runDir, 'logs', 'toxiproxy.log'))).toBe(true);
    const fw = await runFault(['refund-agent'], ['net-reset@after-effect:1,ms=500'], 'framework');
    expect(fw.cases[0]!.valid).toBe(true);
  });

  it('net-latency on a model call: the answer reaches the worker no earlier than the latency after the world sent it; the run finishes valid', async () => {
    const lat = await runFault(['refund-agent'], ['net-latency@llm-call:2,ms=800,latency=200'], 'none');
    expect(lat.cases[0]!.valid).toBe(true);
    expect(faultEnds(lat.cases[0]!)).toEqual(['ok']);
    const ops = history(lat.cases[0]!);
    const { fired, ended } = faultWindow(ops);
    // the world held the 2nd model call until the toxic was on, then answered it while the toxic lasted
    const answer = ops.find((o) => o.f === 'llm' && o.type === 'ok' && o.time > fired.time)!;
    expect(answer.value.turn).toBe(1);
    expect(answer.time).toBeLessThan(ended.time);
    // the worker acts on an answer within a few ms; through the proxy, what it sent next reached the world ≥ 200 ms later
    const next = workerSent(ops).find((o) => o.time > answer.time)!;
    expect(next.time - answer.time).toBeGreaterThanOrEqual(200);
  });

  it('net-partition on a model call: the call in flight across the partition completes only after it heals; the run finishes valid', async () => {
    const part = await runFault(['refund-agent'], ['net-partition@llm-call:2,ms=600'], 'framework');
    expect(part.cases[0]!.valid).toBe(true);
    expect(faultEnds(part.cases[0]!)).toEqual(['ok']);
    const ops = history(part.cases[0]!);
    const { fired, ended: healed } = faultWindow(ops);
    // the 2nd model call reached the world before the partition; the world's answer went into the partition
    const call = ops.filter((o) => o.f === 'llm' && o.type === 'invoke' && o.time < fired.time).at(-1)!;
    expect(call.value.turn).toBe(1);
    // nothing the worker sent crossed the partition, and the step that made the call was journaled only after the heal,
    // from a repeated call: the answer sent into the partition never arrived
    expect(between(workerSent(ops), fired, healed)).toEqual([]);
    const journaled = ops.find((o) => o.f === 'probe' && o.value.point === 'step:journaled' && o.time > call.time)!;
    expect(journaled.time).toBeGreaterThan(healed.time);
    const repeated = ops.find((o) => o.f === 'llm' && o.type === 'invoke' && o.value.turn === call.value.turn && o.time > call.time);
    expect(repeated?.time).toBeGreaterThan(healed.time);
    expect(repeated!.time).toBeLessThan(journaled.time);
  });

  it('a missing Toxiproxy binary exits 3 with the command that installs it', async () => {
    const r = await ordeal(['run', '--scenario', 'refund-agent', '--fault', 'net-latency@llm-call:1', '--out', tempDir()], {
      env: { ORDEAL_ENGINES_DIR: tempDir('ordeal-no-engines-') },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ordeal engines install toxiproxy');
  });

  it('a malformed trigger or parameter exits 2 naming the grammar or the parameter', async () => {
    const trig = await ordeal(['run', '--fault', 'ack-loss@nowhere:x']);
    expect(trig.code).toBe(2);
    expect(trig.stderr).toContain('before-effect:N, after-effect:N, llm-call:N');
    const param = await ordeal(['run', '--fault', 'pause-worker@llm-call:1,ms=soon']);
    expect(param.code).toBe(2);
    expect(param.stderr).toContain("parameter 'ms' must be a whole number");
    const kind = await ordeal(['run', '--fault', 'partial-shell@llm-call:1']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('expected a trigger of kind shell');
  });

  it('ordeal list --json names every fault and checker', async () => {
    const r = await ordeal(['list', '--json']);
    const list = JSON.parse(r.stdout) as { faults: Record<string, string>; checkers: Record<string, string> };
    // exactly the registries' names, in their order, each with a description
    expect(Object.keys(list.faults)).toEqual(Object.keys(faults));
    expect(Object.keys(list.checkers)).toEqual(Object.keys(checkers));
    for (const [name, description] of [...Object.entries(list.faults), ...Object.entries(list.checkers)])
      expect(description, name).toMatch(/\w+ \w+/);
  });
});

// target=engine: the Toxiproxy stands on the worker↔engine link (the worker dials it, or for Restate the server dials the worker through it)
const linked = (['temporal', 'dapr', 'restate'] as const).map((adapter) => {
  const engine = adapter === 'dapr' ? 'durabletask' : adapter;
  return { adapter, ok: engines[engine]!.installed(enginesRoot(root)) && engines.toxiproxy!.installed(enginesRoot(root)), engine };
});

const read = (c: CaseJson, file: string) => readFileSync(join(c.runDir, file), 'utf8');

describe('network faults with target=engine on the real engines', () => {
  for (const { adapter, ok, engine } of linked) {
    it.skipIf(!ok)(
      `${adapter}: net-partition between worker and engine on the 2nd model call; the run completes with every effect once${ok ? '' : ` (skipped: ${engine} or toxiproxy not installed; ordeal engines install ${engine} toxiproxy)`}`,
      async () => {
        const r = await ordeal([
          'run',
          '--adapter',
          adapter,
          '--scenario',
          'refund-agent',
          '--fault',
          'net-partition@llm-call:2,target=engine,ms=1500',
          '--out',
          tempDir(),
          '--json',
        ]);
        expect(r.code, r.stderr).toBe(0);
        const c = (JSON.parse(r.stdout) as { cases: CaseJson[] }).cases[0]!;
        expect(c.valid).toBe(true);
        const effects = read(c, 'ledger.jsonl')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { effect: string; outcome: string });
        expect(
          effects
            .filter((e) => e.outcome === 'applied')
            .map((e) => e.effect)
            .sort(),
        ).toEqual(['email:refund-1042', 'refund:order-1042']);
        const ops = history(c);
        expect(ops.filter((o) => o.f === 'fault').map((o) => [o.type, o.value.target, o.value.ms])).toEqual([
          ['invoke', 'engine', 1500],
          ['ok', 'engine', 1500],
        ]);
        // the link ran through the proxy: it is listed, and Toxiproxy accepted connections on it
        const link = ops.find((o) => o.f === 'net-proxy')!.value;
        const proxies = JSON.parse(read(c, 'logs/toxiproxy-proxies.json')) as { name: string; listen: string; upstream: string }[];
        expect(proxies.find((p) => p.name === 'engine')).toEqual({ name: 'engine', listen: link.listen, upstream: link.upstream });
        expect(read(c, 'logs/toxiproxy.log')).toMatch(/"name":"engine"[^\n]*"message":"Accepted client"/);
      },
      90_000,
    );
  }

  it('target=engine on an adapter without an engine exits 2 naming the reason', async () => {
    const r = await ordeal([
      'run',
      '--adapter',
      'langgraph',
      '--scenario',
      'refund-agent',
      '--fault',
      'net-reset@llm-call:1,target=engine',
      '--out',
      tempDir(),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("target=engine is not supported by adapter 'langgraph': it has no engine process");
  });
});

// A net fault fires on a probe the world holds, so the probe's own answer goes into the partition. The probe is ordeal's
// instrumentation: each adapter lost it somewhere else (LangGraph's checkpointer hook, a DBOS step, Dapr's orchestration,
// where the lost probe took the retry path and broke the replay), and the run failed where the agent alone would not have.
const pg = await postgresAnswers();
const probeHosts = [
  { adapter: 'langgraph', engine: undefined },
  { adapter: 'langgraph-py', engine: 'python' },
  { adapter: 'dapr', engine: 'durabletask' },
  { adapter: 'dbos', engine: undefined },
].map(({ adapter, engine }) => {
  const missing = [
    ...(engines.toxiproxy!.installed(enginesRoot(root)) ? [] : ['toxiproxy']),
    ...(engine && !engines[engine]!.installed(enginesRoot(root)) ? [engine] : []),
  ];
  const skip = adapter === 'dbos' && !pg.installed ? pg.skipReason : missing.length > 0 ? `ordeal engines install ${missing.join(' ')}` : '';
  return { adapter, skip };
});

describe('a net fault that fires on a probe loses that probe, never the run', () => {
  for (const { adapter, skip } of probeHosts) {
    it.skipIf(skip !== '')(
      `${adapter}: net-partition@step:4 on coding-agent completes valid; the worker says the probe was lost${skip ? ` (skipped: ${skip})` : ''}`,
      async () => {
        const { code, stderr, c } = await runOne<CaseJson>(['--adapter', adapter, '--scenario', 'coding-agent', '--fault', 'net-partition@step:4']);
        expect(code, stderr).toBe(0);
        expect(c.valid, JSON.stringify(c)).toBe(true);
        expect(faultEnds(c)).toEqual(['ok']);
        expect(read(c, 'logs/worker.log')).toMatch(/ordeal worker: probe step:journaled lost on the way to the world/);
      },
      90_000,
    );
  }
});
