/** The persistent checkpointer: SqliteSaver on a file in the data dir, or PostgresSaver; `put` can report journaled steps. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type { LangGraphOptions } from './manifest.js';

export interface Saver {
  saver: BaseCheckpointSaver;
  close(): Promise<void>;
}

export const checkpointFile = (dataDir: string): string => join(dataDir, 'checkpoints.sqlite');

/** Opens the store the worker writes (tables created if missing). */
export async function openSaver(o: LangGraphOptions, dataDir: string): Promise<Saver> {
  if (o.store === 'postgres') {
    const saver = PostgresSaver.fromConnString(o.postgresUrl);
    await saver.setup();
    return { saver, close: () => saver.end() };
  }
  const db = new Database(checkpointFile(dataDir));
  return { saver: new SqliteSaver(db), close: async () => void db.close() };
}

/** Opens the same store read-only for the orchestrator; undefined while the worker has not created it. */
export async function openReader(o: LangGraphOptions, dataDir: string): Promise<Saver | undefined> {
  if (o.store === 'postgres') {
    const saver = PostgresSaver.fromConnString(o.postgresUrl);
    return { saver, close: () => saver.end() };
  }
  const file = checkpointFile(dataDir);
  if (!existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  return { saver: new SqliteSaver(db), close: async () => void db.close() };
}

type Journaled = (info: { kind: 'put' | 'putWrites'; step?: number; detail: Record<string, unknown> }) => Promise<void>;

/** Reports each write once it is durable: `put` (a superstep's checkpoint) and `putWrites` (a task's result). */
export function reportWrites(saver: BaseCheckpointSaver, onJournaled: Journaled): void {
  const put = saver.put.bind(saver);
  const putWrites = saver.putWrites.bind(saver);
  saver.put = async (config, checkpoint, metadata, versions) => {
    const r = await put(config, checkpoint, metadata, versions);
    await onJournaled({ kind: 'put', step: metadata.step, detail: { checkpoint: checkpoint.id, source: metadata.source } });
    return r;
  };
  saver.putWrites = async (config, writes, taskId) => {
    await putWrites(config, writes, taskId);
    await onJournaled({ kind: 'putWrites', detail: { task: taskId, channels: writes.map(([c]) => c) } });
  };
}
