/**
 * JUnit XML: one suite per adapter variant, one test case per case (classname adapter.scenario, name = fault + idempotency,
 * then the adapter options when there are any); failures carry the anomaly and the replay command.
 */
import { failingAnomalies, optionLabels, type CaseReport, type Comparison } from './comparison.js';
import { escapeXml as e } from './escape.js';

const seconds = (k: CaseReport) => ((k.durationMs ?? 0) / 1000).toFixed(3);

/** `kill-worker@after-effect:1 [idempotency none]`, and `[synchronous=NORMAL]` after it for a case run with options. */
function testName(k: CaseReport): string {
  const opts = optionLabels(k.options);
  return `${k.fault} [idempotency ${k.idempotency}]${opts.length ? ` [${opts.join(', ')}]` : ''}`;
}

function testcase(k: CaseReport): string {
  const open = `    <testcase classname="${e(`${k.adapter}.${k.scenario}`)}" name="${e(testName(k))}" time="${seconds(k)}">`;
  const out = `      <system-out>${e(`run folder: ${k.dir}\nreplay: ${k.replay}`)}</system-out>`;
  if (k.status === 'valid') return `${open}\n${out}\n    </testcase>`;
  const anomalies = failingAnomalies(k);
  const first = anomalies[0]!;
  const body = [
    ...anomalies.map((a) => `${a.checker} (${a.kind}): ${a.message}${a.witnesses ? ` Evidence: ${a.witnesses}.` : ''}`),
    '',
    `replay: ${k.replay}`,
  ].join('\n');
  const tag = k.status === 'invalid' ? 'failure' : 'error';
  return `${open}\n      <${tag} message="${e(`${first.checker}: ${first.message}`)}" type="${e(first.kind)}">${e(body)}</${tag}>\n${out}\n    </testcase>`;
}

export function renderJunit(c: Comparison): string {
  const byVariant = c.variants.map((v) => c.cases.filter((k) => k.variant === v));
  const count = (ks: CaseReport[]) => ({
    tests: ks.length,
    failures: ks.filter((k) => k.status === 'invalid').length,
    errors: ks.filter((k) => k.status === 'unknown' || k.status === 'incomplete').length,
    time: ks.reduce((s, k) => s + (k.durationMs ?? 0), 0) / 1000,
  });
  const all = count(c.cases);
  const suites = byVariant.map((ks) => {
    const n = count(ks);
    return `  <testsuite name="${e(`ordeal.${ks[0]!.variant}`)}" tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="0" time="${n.time.toFixed(3)}" timestamp="${e(c.generatedAt)}">\n${ks.map(testcase).join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ordeal" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}" time="${all.time.toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
