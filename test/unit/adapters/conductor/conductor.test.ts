// The Conductor adapter without a server: its options, its metadata and the engine's command line.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adapterManifest, checkAdapterOptions } from '../../../../adapters/index.js';
import { taskDefs, workflowDef, MODEL_TASK, TOOL_TASK, APPROVAL_REQUEST_TASK } from '../../../../adapters/conductor/definitions.js';
import { conductorAppJar, conductorArgs, conductorEnv, conductorJar, conductorJava, engines } from '../../../../harness/engines/index.js';
import { conductorAotCache, temurinJava } from '../../../../harness/engines/conductor.js';
import { parseAdapterOptions } from '../../../../harness/run/manifest.js';
import { conductorManifest } from '../../../../adapters/conductor/manifest.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('conductor options', () => {
  it('refuses a response timeout that is not below the task timeout, naming both (exit 2)', () => {
    expect(() => checkAdapterOptions('conductor', { responseTimeoutS: '30', timeoutS: '30' })).toThrow(
      '--opt responseTimeoutS=30: must be below timeoutS=30',
    );
    expect(() => checkAdapterOptions('conductor', { retryCount: '-1' })).toThrow('--opt retryCount=-1: expected an integer ≥ 0');
    expect(checkAdapterOptions('conductor', { responseTimeoutS: '2', toolCalls: 'sequential' })).toEqual({
      responseTimeoutS: '2',
      toolCalls: 'sequential',
    });
  });

  it('has an engine with a link for net faults and needs the conductor engine', () => {
    const m = adapterManifest('conductor');
    expect(m.hasEngine).toBe(true);
    expect(m.engineLink).toBe(true);
    expect(m.requires).toEqual(['conductor']);
  });

  it('retries a lost task after a 10 s response timeout, the workers asking for a decision every 2 s (0 turns that off)', () => {
    expect(parseAdapterOptions(conductorManifest, {})).toMatchObject({ responseTimeoutS: 10, redecideS: 2 });
    expect(parseAdapterOptions(conductorManifest, { redecideS: '0' })).toMatchObject({ redecideS: 0 });
    expect(() => checkAdapterOptions('conductor', { redecideS: '-1' })).toThrow('--opt redecideS=-1: expected an integer ≥ 0');
  });
});

describe('conductor metadata', () => {
  it('puts retries, timeouts and the response timeout in every worker task definition', () => {
    const defs = taskDefs({ retryCount: 3, retryDelayS: 1, timeoutS: 120, responseTimeoutS: 2 });
    expect(defs.map((d) => d.name)).toEqual([MODEL_TASK, TOOL_TASK, APPROVAL_REQUEST_TASK]);
    for (const d of defs)
      expect(d).toMatchObject({ retryCount: 3, retryDelaySeconds: 1, timeoutSeconds: 120, responseTimeoutSeconds: 2, timeoutPolicy: 'RETRY' });
  });

  it('is a DO_WHILE over the model, a dynamic fork of tool calls and a HUMAN approval', () => {
    const wf = workflowDef();
    const loop = wf.tasks[0]!;
    expect(loop.type).toBe('DO_WHILE');
    const step = loop.loopOver.find((t) => t.type === 'SWITCH') as { decisionCases: Record<string, { type: string; name: string }[]> };
    expect(Object.keys(step.decisionCases).sort()).toEqual(['approval', 'calls', 'model']);
    expect(step.decisionCases.model!.map((t) => t.type)).toEqual(['SIMPLE', 'SET_VARIABLE']);
    expect(step.decisionCases.calls!.map((t) => t.type)).toEqual(['FORK_JOIN_DYNAMIC', 'JOIN', 'JSON_JQ_TRANSFORM', 'SET_VARIABLE']);
    expect(step.decisionCases.approval!.map((t) => t.type)).toEqual(['SIMPLE', 'HUMAN', 'JSON_JQ_TRANSFORM', 'SET_VARIABLE']);
  });
});

describe('conductor engine', () => {
  it('binds the server to 127.0.0.1 on the given port, with SQLite, payloads and temp files in the data dir', () => {
    dir = mkdtempSync(join(tmpdir(), 'ordeal-conductor-'));
    mkdirSync(join(dir, 'conductor'));
    expect(() => conductorArgs(dir, '/nonexistent/java', join(dir, 'data'), 4321)).toThrow(/ordeal engines install conductor/);
    writeFileSync(conductorJar(dir), '');
    const args = conductorArgs(dir, '/nonexistent/java', join(dir, 'data'), 4321);
    expect(args).toContain('--server.address=127.0.0.1');
    expect(args).toContain('--server.port=4321');
    expect(args).toContain(`--spring.datasource.url=jdbc:sqlite:${join(dir, 'data', 'conductor.db')}?busy_timeout=15000&journal_mode=WAL`);
    expect(args).toContain(`-Djava.io.tmpdir=${join(dir, 'data', 'tmp')}`);
    expect(args.some((a) => a.startsWith('-XX:AOTCache'))).toBe(false); // no cache for an unknown runtime
    expect(args[args.indexOf('-jar') + 1]).toBe(conductorJar(dir));
    // the extracted jar once the install made it; lazy beans, no AI providers, no Swagger
    mkdirSync(join(dir, 'conductor', 'app-3.32.3'));
    writeFileSync(conductorAppJar(dir), '');
    const extracted = conductorArgs(dir, '/nonexistent/java', join(dir, 'data'), 4321);
    expect(extracted[extracted.indexOf('-jar') + 1]).toBe(conductorAppJar(dir));
    expect(extracted).toEqual(expect.arrayContaining(['--spring.main.lazy-initialization=true', '--conductor.integrations.ai.enabled=false']));
    // a clean environment: no API keys for the server's built-in AI providers
    expect(Object.keys(conductorEnv('/h')).sort()).toEqual(['HOME', 'LANG', 'PATH']);
  });

  it('keys the AOT cache by the JDK, the jar and the flags', () => {
    dir = mkdtempSync(join(tmpdir(), 'ordeal-jdk-'));
    mkdirSync(join(dir, 'jdk', 'bin'), { recursive: true });
    writeFileSync(join(dir, 'jdk', 'bin', 'java'), '');
    writeFileSync(join(dir, 'jdk', 'release'), 'JAVA_RUNTIME_VERSION="25.0.3+9-LTS"\n');
    expect(conductorAotCache('/r', join(dir, 'jdk', 'bin', 'java'))).toMatch(
      /^\/r\/conductor\/aot\/conductor-3\.32\.3-jdk-25\.0\.3_9-LTS-[0-9a-f]{10}\.aot$/,
    );
    writeFileSync(join(dir, 'jdk', 'release'), 'JAVA_RUNTIME_VERSION="21.0.7+6-LTS"\n');
    expect(conductorAotCache('/r', join(dir, 'jdk', 'bin', 'java'))).toBeUndefined();
  });

  it('runs on the newest Temurin 21+ under the JVM folder, as a link under the engines root', () => {
    dir = mkdtempSync(join(tmpdir(), 'ordeal-jvm-'));
    for (const d of ['temurin-17-jdk-amd64', 'temurin-21-jdk-amd64', 'temurin-25-jdk-amd64', 'java-17-openjdk-amd64']) {
      mkdirSync(join(dir, d, 'bin'), { recursive: true });
      writeFileSync(join(dir, d, 'bin', 'java'), '#!/bin/sh\n');
      chmodSync(join(dir, d, 'bin', 'java'), 0o755);
    }
    expect(temurinJava(dir)).toBe(join(dir, 'temurin-25-jdk-amd64', 'bin', 'java'));
    rmSync(join(dir, 'temurin-25-jdk-amd64'), { recursive: true });
    rmSync(join(dir, 'temurin-21-jdk-amd64'), { recursive: true });
    expect(temurinJava(dir)).toBeUndefined();
    expect(engines.conductor!.binary('/r')).toBe(conductorJava('/r'));
    expect(conductorJava('/r').startsWith('/r/')).toBe(true);
  });
});
