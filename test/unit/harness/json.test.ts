import { describe, expect, it } from 'vitest';
import { canonicalJson, isRecord, textOf } from '../../../harness/json.js';

describe('isRecord', () => {
  it('is true for plain objects only', () => {
    expect([{}, { a: 1 }, Object.create(null)].map(isRecord)).toEqual([true, true, true]);
    expect([null, undefined, [], [1], 'x', 3, true].map(isRecord)).toEqual([false, false, false, false, false, false, false]);
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth, so key order does not change the text', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 1 }], c: 2 } })).toBe('{"a":{"c":2,"d":[1,{"y":1,"z":0}]},"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('keeps array order: arrays with the same elements in another order differ', () => {
    expect(canonicalJson([2, 1])).toBe('[2,1]');
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('reads undefined as a JSON round trip would: a key holding it is left out, elsewhere it is null', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson({ a: undefined })).toBe(canonicalJson({}));
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('writes scalars as JSON does', () => {
    expect([1, 'a', true, null].map(canonicalJson)).toEqual(['1', '"a"', 'true', 'null']);
  });
});

describe('textOf', () => {
  it('prints a string as it is and any other JSON value as its JSON, so an object never reads [object Object]', () => {
    expect(textOf('boom')).toBe('boom');
    expect(textOf({ code: 'E1', message: 'boom' })).toBe('{"code":"E1","message":"boom"}');
    expect([3, true, null, ['a']].map(textOf)).toEqual(['3', 'true', 'null', '["a"]']);
    expect(textOf(undefined)).toBe('undefined');
  });
});
