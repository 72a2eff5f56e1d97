export type { Op, OpType, LedgerEntry, LedgerOutcome, SpanRecord, Outcome, FaultSpec, Schedule, RunInfo, RunRecord } from './types.js';
export { now } from './time.js';
export { FILES, createRunFolder, writeJsonAtomic, HistoryWriter, readJsonl, readWorkspace, readRunFolder, isRunFolder } from './run-folder.js';
