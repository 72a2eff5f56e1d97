import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../../../../harness/scenario/index.js';
import { scheduleArbitrary, scheduleAt, searchSchedules, type ScheduleSpace } from '../../../../harness/schedule/index.js';
import type { Schedule } from '../../../../harness/store/index.js';

const refund: ScheduleSpace = { scenario: resolveScenario('refund-agent'), faults: ['kill-worker'], hasEngine: false, maxFaults: 3 };

/** Stands in for a real run: the refund is duplicated iff the worker dies right after the first effect. */
const duplicates = (s: Schedule) => s.some((f) => f.fault === 'kill-worker' && f.at === 'after-effect:1');

describe('searchSchedules', () => {
  it('shrinks a failing property to the one fault that causes it', async () => {
    const r = await searchSchedules({
      arbitrary: scheduleArbitrary(refund),
      seed: 42,
      runs: 100,
      shrinkBudget: 1000,
      judge: async (s) => !duplicates(s),
      passed: (ok) => ok,
    });
    expect(r.status).toBe('failed');
    if (r.status !== 'failed') return;
    expect(r.schedule).toEqual([{ fault: 'kill-worker', at: 'after-effect:1' }]);
    expect(r.firstSchedule.length).toBeGreaterThanOrEqual(1);
  });

  it('regenerates the minimal failing schedule from its seed and path alone', async () => {
    for (const seed of [1, 42, 7777]) {
      const arbitrary = scheduleArbitrary(refund);
      const r = await searchSchedules({ arbitrary, seed, runs: 100, shrinkBudget: 1000, judge: async (s) => !duplicates(s), passed: (ok) => ok });
      if (r.status !== 'failed') throw new Error(`seed ${seed}: expected a failure`);
      expect(scheduleAt(scheduleArbitrary(refund), seed, r.path)).toEqual(r.schedule);
    }
  });

  it('stops running cases once the shrink budget is spent and still reports a failing schedule', async () => {
    let shrinkRuns = 0;
    let failed = false;
    const r = await searchSchedules({
      arbitrary: scheduleArbitrary(refund),
      seed: 42,
      runs: 100,
      shrinkBudget: 1,
      judge: async (s) => {
        if (failed) shrinkRuns++;
        const ok = !duplicates(s);
        failed ||= !ok;
        return ok;
      },
      passed: (ok) => ok,
    });
    expect(r.status).toBe('failed');
    if (r.status !== 'failed') return;
    expect(shrinkRuns).toBe(1);
    expect(duplicates(r.schedule)).toBe(true);
    expect(scheduleAt(scheduleArbitrary(refund), 42, r.path)).toEqual(r.schedule);
  });

  it('passes after the requested number of schedules, running a schedule drawn twice only once', async () => {
    const judged: string[] = [];
    const r = await searchSchedules({
      arbitrary: scheduleArbitrary(refund),
      seed: 3,
      runs: 25,
      shrinkBudget: 10,
      judge: async (s) => (judged.push(JSON.stringify(s)), true),
      passed: (ok) => ok,
    });
    expect(r).toMatchObject({ status: 'passed', runs: 25, cases: judged.length });
    expect(new Set(judged).size).toBe(judged.length);
    expect(judged).toContain('[]');
    expect(judged.length).toBeLessThan(25);
  });

  it('judging search cases several at a time finds, shrinks and reports exactly what one at a time does, for every seed', async () => {
    for (const seed of [1, 42, 7777, 123456]) {
      const run = async (jobs: number) => {
        const judged: string[] = [];
        const events: string[] = [];
        const r = await searchSchedules({
          arbitrary: scheduleArbitrary(refund),
          seed,
          runs: 100,
          shrinkBudget: 60,
          jobs,
          judge: async (s) => (judged.push(JSON.stringify(s)), !duplicates(s)),
          passed: (ok) => ok,
          onCase: (_r, s, p) => events.push(`${p.phase} ${p.cases} ${p.failures} ${p.reused} ${JSON.stringify(s)}`),
        });
        return { r, judged, events };
      };
      const one = await run(1);
      const four = await run(4);
      expect(four.r, `seed ${seed}`).toEqual(one.r);
      expect(four.events, `seed ${seed}`).toEqual(one.events);
      // every case one job ran, four jobs ran too; at most three more (the rest of the window that held the failure)
      expect(new Set(four.judged)).toEqual(new Set([...one.judged, ...four.judged]));
      expect(four.judged.length - one.judged.length).toBeLessThanOrEqual(3);
      expect(four.judged.length).toBeGreaterThanOrEqual(one.judged.length);
    }
  });

  it('a passing search with several jobs runs the same distinct schedules as with one', async () => {
    const ran = async (jobs: number) => {
      const judged: string[] = [];
      const r = await searchSchedules({
        arbitrary: scheduleArbitrary(refund),
        seed: 3,
        runs: 25,
        shrinkBudget: 10,
        jobs,
        judge: async (s) => (judged.push(JSON.stringify(s)), true),
        passed: (ok) => ok,
      });
      return { r, judged };
    };
    const one = await ran(1);
    const three = await ran(3);
    expect(three.r).toEqual(one.r);
    expect(three.judged).toEqual(one.judged);
  });
});
