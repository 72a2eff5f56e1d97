import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ordeal, root, tempDir } from '../helpers/cli.js';

/** A project of a team's own, outside this repository, with ordeal installed in its node_modules. */
function project(): string {
  const dir = tempDir('ordeal-kit-');
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'ordeal'));
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'));
  return dir;
}

const exported = () => Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports as Record<string, unknown>);

describe('the adapter kit: ordeal/adapter and ordeal/agent', () => {
  for (const example of ['custom-adapter', 'go-worker'])
    it(`examples/${example} imports nothing of ordeal outside the package exports`, () => {
      const source = readFileSync(join(root, 'examples', example, 'adapter.mjs'), 'utf8');
      const specifiers = [...source.matchAll(/(?:^|\n)\s*import\s[^'"]*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
        (m) => m[1] ?? m[2]!,
      );
      expect(specifiers).toContain('ordeal/adapter');
      for (const s of specifiers) expect(s.startsWith('node:') || exported().includes(`./${s.replace(/^ordeal\//, '')}`), s).toBe(true);
      expect(source).not.toMatch(/harness\//);
    });

  it('has types: a TypeScript adapter and worker type-check against the exports alone', () => {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.kit.json')], { cwd: root });
    const dir = project();
    writeFileSync(
      join(dir, 'adapter.ts'),
      `import { type Adapter, type AdapterContext, type EngineSpec, UsageError, freePorts, waitFor, workerEnv, writeJsonDurably } from 'ordeal/adapter';
import { WorldClient, openingMessages, toolSchemas } from 'ordeal/agent';
const env: Record<string, string> = workerEnv({} as AdapterContext);
const spec: EngineSpec | undefined = undefined;
export const a: Omit<Adapter, 'engine'> = {
  name: 'typed',
  worker: (ctx) => ({ command: 'node', args: ['w.js'], env: workerEnv(ctx) }),
  submit: async (ctx) => ({ id: ctx.runId }),
  approve: async () => undefined,
  outcome: async () => ({ status: 'running' }),
};
void [env, spec, freePorts, waitFor, writeJsonDurably('/tmp/x.json', { a: 1 }), new UsageError('x', 'ORD-100'), new WorldClient('http://x').chat(openingMessages({ task: 't' }), toolSchemas)];
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: ['node'] },
        files: ['adapter.ts'],
      }),
    );
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir });
  });

  for (const lang of ['python', 'js'] as const)
    it(`ordeal init adapter demo --lang ${lang} writes a skeleton that ordeal gate passes as it is, in a project of its own`, async () => {
      const dir = project();
      const init = await ordeal(['init', 'adapter', 'demo', '--lang', lang], { cwd: dir });
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toMatch(/Gate it: npx ordeal gate --config demo\/ordeal.config.json/);
      const adapter = readFileSync(join(dir, 'demo', 'adapter.mjs'), 'utf8');
      expect([...adapter.matchAll(/from '([^']+)'/g)].map((m) => m[1]).filter((s) => !s!.startsWith('node:'))).toEqual(['ordeal/adapter']);
      const gate = await ordeal(['gate', '--config', 'demo/ordeal.config.json', '--out', 'report'], { cwd: dir });
      expect(gate.code, gate.stderr + gate.stdout).toBe(0);
      expect(gate.stderr).toMatch(/demo · refund-agent · kill-worker@after-effect:1 · framework → valid/);
      const config = join(dir, 'demo', 'ordeal.config.json');
      if (lang === 'js') {
        // its journal is what makes it pass: without idempotency keys the same skeleton refunds twice
        writeFileSync(config, readFileSync(config, 'utf8').replace('"framework"', '"none"'));
        const none = await ordeal(['gate', '--config', 'demo/ordeal.config.json', '--out', 'report-none'], { cwd: dir });
        expect(none.code, none.stderr + none.stdout).toBe(1);
        expect(none.stdout).toMatch(/refund:order-1042 was applied 2 times/);
      } else {
        // the Python worker runs under the clock-jump's preload (its sleeps too) and its clock is moved an hour ahead
        writeFileSync(config, readFileSync(config, 'utf8').replace('kill-worker@after-effect:1', 'clock-jump@step:1,ms=3600000'));
        const clock = await ordeal(['gate', '--config', 'demo/ordeal.config.json', '--out', 'report-clock'], { cwd: dir });
        expect(clock.code, clock.stderr + clock.stdout).toBe(0);
        expect(clock.stderr).toMatch(/demo · refund-agent · clock-jump@step:1,ms=3600000 · framework → valid/);
      }
      // machine faults: the task and the decisions reach the worker durably, a torn journal line is cut off, a full disk
      // waited out; and a second replica waits for the first one's lock
      const machine = ['power-loss@step:7', 'power-loss@after-effect:1,torn=true', 'disk-full@before-effect:1', 'extra-worker@step:2'];
      writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), schedules: machine, idempotency: ['framework'] }));
      const m = await ordeal(['gate', '--config', 'demo/ordeal.config.json', '--out', 'report-machine', '--jobs', '2'], { cwd: dir });
      expect(m.code, m.stderr + m.stdout).toBe(0);
      for (const f of machine) expect(m.stderr).toContain(`demo · refund-agent · ${f} · framework → valid`);
      const again = await ordeal(['init', 'adapter', 'demo'], { cwd: dir });
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/demo exists and is not empty; .*--force.*\[ORD-159\]/);
    });

  it('refuses a name that is not kebab-case (exit 2)', async () => {
    const r = await ordeal(['init', 'adapter', 'My_Agent'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/adapter name 'My_Agent': expected kebab-case.*\[ORD-158\]/);
  });
});
