/** JUnit XML: one test case per case (classname adapter.scenario, name = fault + idempotency); failures carry the anomaly and the replay command. */
import { failingAnomalies, type CaseReport, type Comparison } from './comparison.js';
import { escapeXml as e } from './escape.js';

const seconds = (k: CaseReport) => ((k.durationMs ?? 0) / 1000).toFixed(3);

function testcase(k: CaseReport): string {
  const open = `    <testcase classname="${e(`${k.adapter}.${k.scenario}`)}" name="${e(`${k.fault} [idempotency ${k.idempotency}]`)}" time="${seconds(k)}">`;
  const out = `      <system-out>${e(`run folder: ${k.dir}\nreplay: ${k.replay}`)}</system-out>`;
  if (k.status === 'valid') return `${open}\n${out}\n    </testcase>`;
  const anomalies = failingAnomalies(k);
  const first = anomalies[0]!;
  const body = [...anomalies.map((a) => `${a.checker} (${a.kind}): ${a.message}${a.witnesses ? ` Evidence: ${a.witnesses}.` : ''}`), '', `replay: ${k.replay}`].join('\n');
  const tag = k.status === 'invalid' ? 'failure' : 'error';
  return `${open}\n      <${tag} message="${e(`${first.checker}: ${first.message}`)}" type="${e(first.kind)}">${e(body)}</${tag}>\n${out}\n    </testcase>`;
}

export function renderJunit(c: Comparison): string {
  const byAdapter = c.adapters.map((a) => c.cases.filter((k) => k.adapter === a));
  const count = (ks: CaseReport[]) => ({
    tests: ks.length,
    failures: ks.filter((k) => k.status === 'invalid').length,
    errors: ks.filter((k) => k.status === 'unknown' || k.status === 'incomplete').length,
    time: ks.reduce((s, k) => s + (k.durationMs ?? 0), 0) / 1000,
  });
  const all = count(c.cases);
  const suites = byAdapter.map((ks) => {
    const n = count(ks);
    return `  <testsuite name="${e(`ordeal.${ks[0]!.adapter}`)}" tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="0" time="${n.time.toFixed(3)}" timestamp="${e(c.generatedAt)}">\n${ks.map(testcase).join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ordeal" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}" time="${all.time.toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
