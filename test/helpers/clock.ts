/** What the clock-stamp scenario under `clock-jump@shell:2,ms=3600000` must show, the same on every adapter whose worker can be skewed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { root } from './cli.js';
import { history } from './run-folder.js';

/** Two shell commands, each writing `date +%s`, one model turn apart (test/fixtures/clock-stamp.json). */
export const clockStamp = join(root, 'test/fixtures/clock-stamp.json');

/** The case's arguments: the clock jumps an hour ahead just before the second stamp. */
export const clockJumpArgs = ['--scenario', clockStamp, '--fault', 'clock-jump@shell:2,ms=3600000'];

/** A model error after the jump: the framework's retry backs off with a sleep on the monotonic clock. */
export const retryAfterJump = ['--fault', 'llm-error@llm-call:3'];

/**
 * The jump was recorded, the one worker lived through it (no restart), and the commands it ran put an hour between
 * the stamps on its clock while the world saw them a moment apart.
 */
export function expectClockJumped(runDir: string): void {
  const ops = history(runDir);
  expect(ops.find((o) => o.f === 'clock')?.value).toEqual({ target: 'worker', jumpMs: 3_600_000, offsetMs: 3_600_000 });
  expect(ops.filter((o) => o.f === 'start' && o.process.startsWith('worker')).map((o) => o.process)).toEqual(['worker#1']);
  const shells = ops.filter((o) => o.f === 'probe' && o.value.point === 'shell:before');
  expect(shells).toHaveLength(2);
  expect(shells[1]!.time - shells[0]!.time).toBeLessThan(60_000);
  const stamp = (f: string) => Number(readFileSync(join(runDir, 'workspace', f), 'utf8'));
  expect(stamp('after.txt') - stamp('before.txt')).toBeGreaterThanOrEqual(3600);
}
