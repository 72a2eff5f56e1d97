import { describe, expect, it } from 'vitest';
import { engines } from '../../../../harness/engines/index.js';
import { adapterManifests } from '../../../../adapters/index.js';

describe('a plain `ordeal engines install`', () => {
  it('installs every engine an adapter requires: no adapter needs an engine the test command leaves out', () => {
    const required = new Set(adapterManifests().flatMap((m) => m.requires ?? []));
    expect([...required].filter((name) => !(name in engines))).toEqual([]);
    // both Dapr adapters run on the one daprd runtime (daprd, placement, scheduler)
    expect(adapterManifests().find((m) => m.name === 'dapr-agents')?.requires).toContain('daprd');
  });
});
