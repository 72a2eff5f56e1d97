/** The agent's tools, shared by every JavaScript worker: real bash, and HTTP to the world. */
import { spawn } from 'node:child_process';
import { isRecord, textOf } from '../json.js';
import { isEffectTool } from '../scenario/index.js';
import type { ToolCall } from './world-client.js';
import { WorldClient } from './world-client.js';

export interface ToolContext {
  world: WorldClient;
  workspace: string;
  /** Sent as `Idempotency-Key` with effects; undefined in `none` mode. */
  idempotencyKey?: string;
  /** Step identity for probes. */
  step?: number | string;
  attempt?: number;
  timeoutMs?: number;
}

export type ToolResult = Record<string, unknown>;

/** Parses a tool call's JSON arguments; a model can send garbage, which is the tool's error, not a crash. */
export function toolArgs(call: ToolCall): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(call.function.arguments || '{}');
    return isRecord(v) ? v : {};
  } catch {
    throw new Error(`tool ${call.function.name}: arguments are not JSON: ${call.function.arguments}`);
  }
}

/** A `request_approval` call's arguments as `WorldClient.requestApproval` takes them after the id: the summary as text, the payload as given. */
export function approvalRequestArgs(args: Record<string, unknown>): [summary: string, payload: unknown] {
  return [textOf(args.summary ?? ''), args.payload ?? null];
}

/**
 * The `Idempotency-Key` a tool call sends: the step's durable key, for effects only and only with framework
 * idempotency (`--idempotency none` sends none). Reads and the shell never send one.
 */
export function effectKey(tool: string, stepKey: string, idempotency: 'framework' | 'none'): string | undefined {
  return idempotency === 'framework' && isEffectTool(tool) ? stepKey : undefined;
}

/** Runs one tool call (all but `request_approval`, which each framework waits for in its own way). */
export async function runTool(call: ToolCall, ctx: ToolContext): Promise<ToolResult> {
  const name = call.function.name;
  const args = toolArgs(call);
  if (name === 'shell') {
    const r = await runShell(textOf(args.command ?? ''), ctx);
    // `check: true` makes a failed command a failed tool call (retried by the framework), like subprocess.run(check=True)
    if (args.check === true && r.exitCode !== 0) throw new Error(`shell command exited ${String(r.exitCode)}: ${String(r.stderr).slice(-300)}`);
    return r;
  }
  if (name === 'read_resource') return ctx.world.readResource(String(args.id));
  if (name === 'write_resource')
    return ctx.world.writeResource(String(args.id), args.value, typeof args.version === 'number' ? args.version : undefined);
  if (name === 'noop') return { ok: true };
  if (isEffectTool(name)) return ctx.world.effect(name, args, ctx.idempotencyKey, ctx.timeoutMs ?? toolTimeoutMs());
  throw new Error(`unknown tool '${name}'`);
}

/** How long an effect call may take (`ORDEAL_TOOL_TIMEOUT_MS`, set by the orchestrator for tool-timeout faults). */
export function toolTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.ORDEAL_TOOL_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : 30_000;
}

/**
 * partial-shell: a DEBUG trap runs before every simple command of the script; once k of them ran, the
 * shell exits 97 instead of running the next one. So `a && b && c` with k=2 runs a and b, never c.
 */
export const PARTIAL_EXIT = 97;
const PARTIAL_PRELUDE =
  `__ordeal_ops=0; trap '__ordeal_ops=$((__ordeal_ops+1)); if [ "$__ordeal_ops" -gt "$ORDEAL_PARTIAL_SHELL_K" ]; then ` +
  `echo "ordeal partial-shell: stopped after $ORDEAL_PARTIAL_SHELL_K sub-operation(s)" >&2; exit ${PARTIAL_EXIT}; fi' DEBUG`;

/** Real bash in the workspace; the world may be told first so that shell faults can fire. */
export async function runShell(command: string, ctx: ToolContext): Promise<ToolResult> {
  const plan = (await ctx.world.probe('shell:before', { step: ctx.step, attempt: ctx.attempt, detail: { command } })) as {
    partial?: { k: number };
  };
  const env = { ...process.env, ...(plan?.partial ? { ORDEAL_PARTIAL_SHELL_K: String(plan.partial.k) } : {}) };
  const script = plan?.partial ? `${PARTIAL_PRELUDE}\n${command}` : command;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: ctx.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ctx.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout: stdout.slice(-4000), stderr: stderr.slice(-4000) });
    });
  });
}

const obj = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required });
const s = { type: 'string' };

/** OpenAI function definitions, for model clients that send tool schemas. */
export const toolSchemas: unknown[] = [
  [
    'shell',
    'Run a bash command in the workspace (check: a non-zero exit fails the call)',
    obj({ command: s, check: { type: 'boolean' } }, ['command']),
  ],
  ['read_resource', 'Read a versioned resource', obj({ id: s }, ['id'])],
  ['write_resource', 'Write a versioned resource', obj({ id: s, value: {}, version: { type: 'number' } }, ['id', 'value'])],
  ['request_approval', 'Ask a human to approve', obj({ summary: s, payload: { type: 'object' } }, ['summary'])],
  ['send_email', 'Send an email', obj({ to: s, subject: s, body: s }, ['to'])],
  ['charge_card', 'Charge a card', obj({ customer: s, amount: { type: 'number' } }, ['amount'])],
  ['refund', 'Refund an order', obj({ order: s, amount: { type: 'number' } }, ['order'])],
  ['open_pr', 'Open a pull request', obj({ repo: s, title: s, branch: s }, ['title'])],
  ['post_comment', 'Post a comment', obj({ issue: { type: 'number' }, body: s }, ['body'])],
  ['update_ticket', 'Update a ticket', obj({ ticket: s, status: s }, ['ticket'])],
  ['noop', 'Do nothing', obj({}, [])],
].map(([name, description, parameters]) => ({ type: 'function', function: { name, description, parameters } }));
