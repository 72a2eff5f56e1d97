/**
 * `ordeal/agent`: the public JavaScript worker kit — the world client, the tools and their schemas, the opening of the
 * conversation and what every agent loop shares (docs/agent-loop.md). A team's worker imports from here.
 */
export * from '../agent/index.js';
