import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flattenOtlp } from '../../../../harness/world/index.js';
import { withWorld, type TestWorld } from './helpers.js';

const request = {
  resourceSpans: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'worker' } },
          { key: 'process.pid', value: { intValue: '123' } },
        ],
      },
      scopeSpans: [
        {
          scope: { name: 'ordeal' },
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              parentSpanId: 'eee19b7ec3c1b173',
              name: 'execute_tool refund',
              kind: 1,
              startTimeUnixNano: '1544712660000000000',
              endTimeUnixNano: 1544712661000000000,
              attributes: [
                { key: 'ordeal.step', value: { intValue: 3 } },
                { key: 'ordeal.replayed', value: { boolValue: true } },
                { key: 'cost', value: { doubleValue: 0.5 } },
                { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } } },
                { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { stringValue: 'y' } }] } } },
              ],
            },
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b173',
              parentSpanId: '',
              name: 'invoke_agent',
              startTimeUnixNano: '1',
              endTimeUnixNano: '2',
            },
          ],
        },
      ],
    },
  ],
};

describe('world: POST /v1/traces (OTLP/HTTP JSON)', () => {
  let w: TestWorld;
  beforeEach(async () => (w = await withWorld()));
  afterEach(async () => w.stop());

  it('flattens spans with plain attribute values into spans.jsonl', async () => {
    const res = await w.post('/v1/traces', request);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ partialSuccess: {} });
    const spans = w.lines('spans.jsonl');
    expect(spans).toHaveLength(2);
    expect(spans[0]).toEqual({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: 'eee19b7ec3c1b173',
      name: 'execute_tool refund',
      startTimeUnixNano: '1544712660000000000',
      endTimeUnixNano: '1544712661000000000',
      attributes: { 'ordeal.step': 3, 'ordeal.replayed': true, cost: 0.5, tags: ['a', 2], kv: { x: 'y' } },
      resource: { 'service.name': 'worker', 'process.pid': 123 },
    });
    expect(spans[1].parentSpanId).toBeUndefined();
    expect(spans[1].attributes).toEqual({});
  });

  it('rejects malformed requests with 400 and writes nothing', async () => {
    const bad = structuredClone(request) as any;
    bad.resourceSpans[0].scopeSpans[0].spans[1].spanId = 42;
    const res = await w.post('/v1/traces', bad);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('spans[1].spanId');
    expect((await w.post('/v1/traces', '{"resourceSpans": ')).status).toBe(400);
    expect((await w.post('/v1/traces', { resourceSpans: 'x' })).status).toBe(400);
    expect(w.lines('spans.jsonl')).toEqual([]);
  });

  it('answers 400 for bytes that are not an OTLP protobuf message, naming the format', async () => {
    const res = await fetch(w.url + '/v1/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([1, 2, 3]),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/protobuf/);
  });

  it('flattenOtlp accepts an empty export', () => {
    expect(flattenOtlp({})).toEqual([]);
    expect(flattenOtlp({ resourceSpans: [] })).toEqual([]);
  });
});
