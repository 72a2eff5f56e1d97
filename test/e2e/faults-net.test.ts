import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, enginesRoot } from '../../harness/engines/index.js';
import { ordeal, root, tempDir } from '../helpers/cli.js';
import { failures, faultEnds, history, runFault, type CaseJson } from './fault-cases.js';

describe('network faults through a real Toxiproxy, and fault specs (reference runtime)', () => {
  it('net-reset after the refund was applied duplicates it with --idempotency none, not with framework', async () => {
    const none = await runFault(['refund-agent'], ['net-reset@after-effect:1,ms=500'], 'none');
    expect(failures(none.cases[0]!)).toEqual({ 'exactly-once-effects': ['duplicate'], 'approval-integrity': ['acted-more-than-once'] });
    expect(faultEnds(none.cases[0]!)).toEqual(['ok']);
    expect(existsSync(join(none.cases[0]!.runDir, 'logs', 'toxiproxy.log'))).toBe(true);
    const fw = await runFault(['refund-agent'], ['net-reset@after-effect:1,ms=500'], 'framework');
    expect(fw.cases[0]!.valid).toBe(true);
  });

  it('net-latency and net-partition on a model call: the run still finishes valid', async () => {
    const lat = await runFault(['refund-agent'], ['net-latency@llm-call:2,ms=800,latency=200'], 'none');
    expect(lat.cases[0]!.valid).toBe(true);
    expect(faultEnds(lat.cases[0]!)).toEqual(['ok']);
    const part = await runFault(['refund-agent'], ['net-partition@llm-call:2,ms=600'], 'framework');
    expect(part.cases[0]!.valid).toBe(true);
    expect(faultEnds(part.cases[0]!)).toEqual(['ok']);
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
    for (const f of ['pause-worker', 'tool-timeout', 'ack-loss', 'partial-shell', 'state-drift', 'llm-error', 'human-late', 'human-reject', 'human-twice', 'human-edit', 'net-latency', 'net-reset', 'net-partition'])
      expect(list.faults[f], f).toMatch(/\w+ \w+/);
    for (const c of ['approval-integrity', 'drift-safety', 'recovery']) expect(list.checkers[c], c).toMatch(/\w+ \w+/);
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
    it.skipIf(!ok)(`${adapter}: net-partition between worker and engine on the 2nd model call; the run completes with every effect once${ok ? '' : ` (skipped: ${engine} or toxiproxy not installed; ordeal engines install ${engine} toxiproxy)`}`, async () => {
      const r = await ordeal(['run', '--adapter', adapter, '--scenario', 'refund-agent', '--fault', 'net-partition@llm-call:2,target=engine,ms=1500', '--out', tempDir(), '--json']);
      expect(r.code, r.stderr).toBe(0);
      const c = (JSON.parse(r.stdout) as { cases: CaseJson[] }).cases[0]!;
      expect(c.valid).toBe(true);
      const effects = read(c, 'ledger.jsonl').trim().split('\n').map((l) => JSON.parse(l) as { effect: string; outcome: string });
      expect(effects.filter((e) => e.outcome === 'applied').map((e) => e.effect).sort()).toEqual(['email:refund-1042', 'refund:order-1042']);
      const ops = history(c);
      expect(ops.filter((o) => o.f === 'fault').map((o) => [o.type, o.value.target, o.value.ms])).toEqual([['invoke', 'engine', 1500], ['ok', 'engine', 1500]]);
      // the link ran through the proxy: it is listed, and Toxiproxy accepted connections on it
      const link = ops.find((o) => o.f === 'net-proxy')!.value;
      const proxies = JSON.parse(read(c, 'logs/toxiproxy-proxies.json')) as { name: string; listen: string; upstream: string }[];
      expect(proxies.find((p) => p.name === 'engine')).toEqual({ name: 'engine', listen: link.listen, upstream: link.upstream });
      expect(read(c, 'logs/toxiproxy.log')).toMatch(/"name":"engine"[^\n]*"message":"Accepted client"/);
    }, 90_000);
  }

  it('target=engine on an adapter without an engine exits 2 naming the reason', async () => {
    const r = await ordeal(['run', '--adapter', 'langgraph', '--scenario', 'refund-agent', '--fault', 'net-reset@llm-call:1,target=engine', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("target=engine is not supported by adapter 'langgraph': it has no engine process");
  });
});
