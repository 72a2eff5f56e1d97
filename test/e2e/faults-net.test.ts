import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordeal, tempDir } from '../helpers/cli.js';
import { failures, faultEnds, runFault } from './fault-cases.js';

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
