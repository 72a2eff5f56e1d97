import { describe, expect, it } from 'vitest';
import { firstDifference, workspaceIntegrity } from '../../../../harness/checks/workspace-integrity.js';
import type { RunRecord } from '../../../../harness/store/types.js';
import { run } from './fixtures.js';

const check = (r: RunRecord) => workspaceIntegrity.check(r);

describe('workspace-integrity', () => {
  it('is valid with a file count when the scenario expects nothing of the workspace', () => {
    expect(check(run().workspace({ 'a.txt': 'x', 'b.txt': 'y' }).build())).toEqual({ valid: true, anomalies: [], metrics: { files: 2 } });
  });

  it('accepts a workspace equal to the expected one, including files that must be gone', () => {
    const r = run()
      .expect({ workspace: { 'report.md': '# done\n', 'tmp.lock': null } })
      .workspace({ 'report.md': '# done\n', 'other.txt': 'kept' })
      .build();
    expect(check(r)).toEqual({ valid: true, anomalies: [], metrics: { files: 2, checkedFiles: 2 } });
  });

  it('flags a leftover, a missing file and a mismatch, each by path', () => {
    const r = run()
      .expect({ workspace: { 'tmp.lock': null, 'out/result.json': '{}', 'notes.txt': 'one\ntwo\nthree\n' } })
      .workspace({ 'tmp.lock': '', 'notes.txt': 'one\ntwo\nthr' })
      .build();
    const res = check(r);
    expect(res.valid).toBe(false);
    expect(res.anomalies.map((a) => [a.kind, a.message.split(' ')[0]])).toEqual([
      ['leftover-file', 'tmp.lock'],
      ['missing-file', 'out/result.json'],
      ['workspace-mismatch', 'notes.txt'],
    ]);
    expect(res.anomalies[2]?.message).toBe(
      'notes.txt differs from the expected content: at line 3, column 4 the file ends where "ee\\n" was expected.',
    );
  });

  it('shows a missing trailing newline and a changed word clearly', () => {
    expect(firstDifference('done\n', 'done')).toBe('at line 1, column 5 the file ends where "\\n" was expected');
    expect(firstDifference('a\nb', 'a\nb\nc')).toBe('at line 2, column 2 the file has extra content "\\nc"');
    expect(firstDifference('total: 10', 'total: 20')).toBe('at line 1, column 8 it has "20" where "10" was expected');
  });

  it('never throws on a damaged run', () => {
    expect(check({} as RunRecord).valid).toBe(true);
    const odd = { scenario: { expect: { workspace: { 'a.txt': 'x' } } }, workspace: { 'a.txt': 42 } } as unknown as RunRecord;
    expect(check(odd).anomalies[0]?.kind).toBe('workspace-mismatch');
  });
});
