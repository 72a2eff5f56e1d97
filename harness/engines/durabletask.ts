/** The Durable Task sidecar that Dapr Workflow embeds, with its SQLite backend, from the Go module proxy. */
import { goEngine } from './go-build.js';

export const DURABLETASK_VERSION = '0.10.0';

export const durabletask = goEngine({
  name: 'durabletask',
  version: DURABLETASK_VERSION,
  description: 'Dapr Workflow engine sidecar (go build github.com/dapr/durabletask-go, SQLite backend)',
  module: 'github.com/dapr/durabletask-go',
  pkg: 'github.com/dapr/durabletask-go',
  binaryName: 'durabletask-go',
  // The main package only has -host, -port, -db; -h prints them (Go's flag package exits 0 on -h).
  smoke: { args: ['-h'], mayFail: true },
});
