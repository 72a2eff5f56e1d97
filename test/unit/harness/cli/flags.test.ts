/** The flag checks every command shares: given once, a switch without a value, values shown as typed, --out paths. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkEveryFlag, checkFlags, caseFlagSchema, outProblem, typedValue, type DeclaredFlags } from '../../../../harness/cli/flags.js';
import { parseOpts } from '../../../../harness/cli/common.js';
import { checkScenarioList } from '../../../../harness/cli/run-command.js';
import { parseAdapters } from '../../../../harness/cli/bench-command.js';
import { tempDir } from '../../../helpers/cli.js';

const argv0 = process.argv;
/** Runs `f` as if the command line were `ordeal …words`. */
function typed<T>(words: string[], f: () => T): T {
  process.argv = [argv0[0]!, 'ordeal', ...words];
  try {
    return f();
  } finally {
    process.argv = argv0;
  }
}
afterEach(() => {
  process.argv = argv0;
});

const declared: DeclaredFlags = { key: { lang: true, opt: true, resume: true, 'keep-runs': true }, array: ['opt'], boolean: ['resume', 'keep-runs'] };

describe('checkEveryFlag: the check of every command', () => {
  it('refuses a flag that takes one value given more than once (ORD-141), not an array flag or a switch', () => {
    expect(() => checkEveryFlag({ lang: ['js', 'python'] }, declared)).toThrow('--lang given 2 times ("js", "python"): expected it once');
    expect(checkEveryFlag({ lang: 'js', opt: ['a=1', 'b=2'], resume: true }, declared)).toBe(true);
  });

  it('refuses a switch given a value other than true or false (ORD-142), under either spelling', () => {
    expect(() => typed(['run', '--resume=maybe'], () => checkEveryFlag({ resume: false }, declared))).toThrow(
      '--resume=maybe: --resume is a switch and takes no value',
    );
    expect(() => typed(['run', '--keepRuns=no'], () => checkEveryFlag({}, declared))).toThrow('--keepRuns is a switch');
    expect(typed(['run', '--resume=true', '--no-resume=false'], () => checkEveryFlag({ resume: true }, declared))).toBe(true);
    // after `--` nothing is a flag
    expect(typed(['run', '--', '--resume=maybe'], () => checkEveryFlag({}, declared))).toBe(true);
  });
});

describe('values as the user typed them', () => {
  it('typedValue finds the last value of a flag in either form', () => {
    expect(typedValue('jobs', ['--jobs', 'abc'])).toBe('abc');
    expect(typedValue('jobs', ['--jobs=1', '--jobs', 'x'])).toBe('x');
    expect(typedValue('max-faults', ['--maxFaults=z'])).toBe('z');
    expect(typedValue('jobs', ['--seed', '1'])).toBeUndefined();
  });

  it('a number flag yargs read as NaN is shown as typed, not as null', () => {
    const check = checkFlags(caseFlagSchema);
    expect(() => typed(['run', '--timeout', 'abc'], () => check({ timeout: Number.NaN }))).toThrow('--timeout "abc": not a number');
    expect(() => check({ timeout: [1, Number.NaN] })).toThrow('--timeout given 2 times (1, NaN)');
  });
});

describe('--out paths', () => {
  const dir = tempDir('ordeal-flags-');
  writeFileSync(join(dir, 'f'), 'x');

  it('names a file in the way, and a part longer than a file name', () => {
    expect(outProblem(join(dir, 'f'), 'dir')).toBe('is a file, not a directory');
    expect(outProblem(join(dir, 'f', 'sub'), 'dir')).toBe(`cannot be created: ${join(dir, 'f')} is a file`);
    expect(outProblem(join(dir, 'x'.repeat(300)), 'dir')).toMatch(/has a part of 300 bytes .*more than the 255/);
    expect(outProblem(join(dir, 'new', 'deeper'), 'dir')).toBeUndefined();
  });
});

describe('values given twice or empty', () => {
  it('--opt: a key given twice is refused', () => {
    expect(parseOpts(['a=1', 'b=2'])).toEqual({ a: '1', b: '2' });
    expect(() => parseOpts(['a=1', 'a=2'])).toThrow('--opt a given twice (a=1 and a=2): expected each adapter option once');
  });

  it('run --scenario: the same scenario twice, by name or by two spellings of its path, is refused', () => {
    expect(() => checkScenarioList(['refund-agent', 'coding-agent'])).not.toThrow();
    expect(() => checkScenarioList(['refund-agent', 'refund-agent'])).toThrow("--scenario 'refund-agent' given twice");
    expect(() => checkScenarioList(['s/a.json', './s/a.json'])).toThrow("--scenario './s/a.json' given twice (also as 's/a.json')");
  });

  it('bench --adapter: empty, a bare comma or a name twice is refused; left out, every adapter', () => {
    expect(() => parseAdapters('')).toThrow("--adapter '': names no adapter");
    expect(() => parseAdapters(',')).toThrow("--adapter ',': names no adapter");
    expect(() => parseAdapters('reference,reference')).toThrow("'reference' given twice");
    expect(parseAdapters(undefined)).toContain('reference');
  });
});
