/** `ordeal init adapter NAME`: writes a working adapter and worker skeleton on the public API that `ordeal gate` runs as it is. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';

export type WorkerLang = 'js' | 'python';
export const WORKER_LANGS: readonly WorkerLang[] = ['js', 'python'];

const templates = join(packageRoot, 'harness', 'init', 'templates');

const LANG = {
  js: {
    worker: 'worker.mjs',
    helper: 'nodeWorker',
    spec: "nodeWorker(ctx, join(here, 'worker.mjs'))",
    description: 'a JavaScript agent loop on ordeal/agent with its own fsynced journal',
    fields: '',
  },
  python: {
    worker: 'worker.py',
    helper: 'pythonWorkerEnv',
    spec: "({ command: 'python3', args: ['-u', join(here, 'worker.py')], env: pythonWorkerEnv(ctx) })",
    description: 'a Python agent loop on the Python worker kit of ordeal with its own fsynced journal',
    fields: "  // `ordeal bench` weighs it against the bench's loop by hand in Python\n  workerLanguage: 'python',\n",
  },
} as const;

/** Writes the skeleton into `dir` (created; it must be empty unless `force`); returns the files written. */
export function initAdapter(name: string, lang: WorkerLang, dir: string, force = false): string[] {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new UsageError(`adapter name '${name}': expected kebab-case (a-z, 0-9, -), e.g. ordeal init adapter my-agent`, 'ORD-158');
  if (existsSync(dir) && readdirSync(dir).length > 0 && !force)
    throw new UsageError(`${dir} exists and is not empty; choose another --dir or give --force to overwrite its files`, 'ORD-159');
  const l = LANG[lang];
  const shown = relative(process.cwd(), dir) || '.';
  const fill = (text: string) =>
    text
      .replaceAll('__ENV_HELPER__', l.helper)
      .replaceAll('__WORKER_SPEC__', l.spec)
      .replaceAll('__LANG_DESCRIPTION__', l.description)
      .replaceAll('__LANG_FIELDS__', l.fields)
      .replaceAll('__WORKER__', l.worker)
      .replaceAll('__LANG__', lang)
      .replaceAll('__DIR__', shown)
      .replaceAll('__NAME__', name);
  const config = {
    description: `Gate ${name}: a crash right after the refund was applied must not refund twice, and the run must finish.`,
    adapters: [{ module: './adapter.mjs' }],
    scenarios: ['refund-agent'],
    schedules: ['kill-worker@after-effect:1'],
    idempotency: ['framework'],
    require: ['exactly-once-effects', 'completion', 'approval-integrity'],
  };
  const files: Record<string, string> = {
    'adapter.mjs': fill(readFileSync(join(templates, 'adapter.mjs.template'), 'utf8')),
    [l.worker]: fill(readFileSync(join(templates, `${l.worker}.template`), 'utf8')),
    'ordeal.config.json': JSON.stringify(config, null, 2) + '\n',
    'README.md': fill(readFileSync(join(templates, 'README.md.template'), 'utf8')),
  };
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return Object.keys(files).map((f) => join(dir, f));
}
