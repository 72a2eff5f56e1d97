/** The names of a run folder's files and sub-folders (DESIGN §3): the only place they are spelled. */
export const FILES = {
  run: 'run.json',
  schedule: 'schedule.json',
  scenario: 'scenario.json',
  history: 'history.jsonl',
  ledger: 'ledger.jsonl',
  spans: 'spans.jsonl',
  verdict: 'verdict.json',
  workspace: 'workspace',
  logs: 'logs',
  data: 'data',
} as const;
