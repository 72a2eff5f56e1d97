// A failed fsync of the journal: the runtime stops believing in durability for good (fail-stop), it never retries the sync.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurabilityLostError } from '../../../../../adapters/reference/runtime/index.js';
import { sandbox, type Sandbox } from './helpers.js';

describe('reference runtime: a failed fsync of the journal', () => {
  let box: Sandbox;
  beforeEach(() => void (box = sandbox()));
  afterEach(() => box.cleanup());

  it('calls onDurabilityLost once, fails the write that needed it, and refuses every later durable write without syncing again', () => {
    const lost: Error[] = [];
    const rt = box.open({ onDurabilityLost: (e) => lost.push(e) });
    // the WAL vanishes before the first sync (the e2e test makes the real fsync fail with EIO through the fault filesystem)
    rmSync(`${box.db}-wal`);
    expect(() => rt.start('a', 'wf', {})).toThrow(DurabilityLostError);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ code: 'REF-108', message: expect.stringMatching(/the fsync of the journal failed \(.*WAL file .* is missing/) });
    // a retried fsync would succeed without the pages the failed one dropped: the runtime does not try
    expect(() => rt.signal('a', 'go')).toThrow(lost[0]!.message);
    expect(lost).toHaveLength(1);
  });
});
