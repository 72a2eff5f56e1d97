/** A JSON file written whole and durably: what a durable system does before it acknowledges what the file holds. */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `value` as JSON to a temporary file, fsyncs it, renames it over `file` and fsyncs the directory: after a
 * crash or a power cut the file is whole or absent, and once this returns it is on disk. A submission or a human's
 * decision handed to a worker through a file needs all of it: a power-loss fault drops what was never fsynced.
 */
export function writeJsonDurably(file: string, value: unknown): void {
  const fd = openSync(`${file}.tmp`, 'w');
  try {
    writeSync(fd, JSON.stringify(value));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${file}.tmp`, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
