/** Judging a gate run: which cases break a required guarantee or a threshold. */
import type { CaseReport } from '../../reports/index.js';
import type { GateConfig } from './config.js';

export interface GateViolation {
  caseId: string;
  label: string;
  /** One sentence: what was violated, and by how much. */
  message: string;
  replay: string;
}

export function caseLabel(c: CaseReport): string {
  return `${c.variant} · ${c.scenario} · ${c.fault} · idempotency ${c.idempotency}`;
}

export function evaluateGate(cases: CaseReport[], config: Pick<GateConfig, 'require' | 'thresholds'>): GateViolation[] {
  const out: GateViolation[] = [];
  for (const c of cases) {
    const add = (message: string) => out.push({ caseId: c.id, label: caseLabel(c), message, replay: c.replay });
    if (c.status === 'incomplete') {
      add(`the run is incomplete: ${c.problem ?? 'no verdict'}`);
      continue;
    }
    for (const name of config.require) {
      const status = c.checks[name];
      if (status === 'valid') continue;
      const anomaly = c.anomalies.find((a) => a.checker === name);
      if (status === undefined) add(`required guarantee ${name} was not checked`);
      else add(`required guarantee ${name} ${status === 'invalid' ? 'violated' : 'could not be decided'}${anomaly ? `: ${anomaly.message}` : ''}`);
    }
    for (const [metric, max] of Object.entries(config.thresholds)) {
      const v = c.metrics[metric];
      if (typeof v === 'number' && v > max) add(`threshold ${metric} ≤ ${max} exceeded: ${Number.isInteger(v) ? v : v.toFixed(1)}`);
    }
  }
  return out;
}

/** The gate's own section for the Markdown summary. */
export function gateMarkdown(violations: GateViolation[], config: Pick<GateConfig, 'require' | 'thresholds' | 'file'>): string {
  const lines = ['## ordeal gate', '', `Required: ${config.require.join(', ')}.`];
  const th = Object.entries(config.thresholds);
  if (th.length) lines.push(`Thresholds: ${th.map(([k, v]) => `${k} ≤ ${v}`).join(', ')}.`);
  lines.push(
    '',
    violations.length === 0 ? '**Gate passed**: every required guarantee and threshold held.' : `**Gate failed**: ${violations.length} violation(s).`,
  );
  for (const v of violations) lines.push(`- ${v.label}: ${v.message.replace(/\|/g, '\\|')} — replay: \`${v.replay}\``);
  return lines.join('\n') + '\n';
}
