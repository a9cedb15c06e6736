import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalSha256 } from '../../functions/mcp/audit/canonical-hash.js';
import { boundJsonNesting } from '../../functions/mcp/protocol/json-nesting.js';
import { MAX_JSON_NESTING, inspectJsonRpcBody } from '../../functions/mcp/protocol/json-rpc-message.js';

const nested = (depth: number, inner = '') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
/** A tools/call whose whole body nests `depth` levels: message, params, arguments, then arrays. */
const toolCallNesting = (depth: number) =>
  `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{"x":${nested(depth - 3)}}}}`;
const inspect = (text: string) => inspectJsonRpcBody(Buffer.from(text));

describe('boundJsonNesting', () => {
  it('leaves text within the bound as it is (the same string, no copy)', () => {
    const text = nested(5, '1');
    expect(boundJsonNesting(text, 5)).toEqual({ text, tooDeep: false });
  });

  it('replaces every array or object one level past the bound by null, and only those', () => {
    expect(boundJsonNesting('[[1],[[2]],{"a":{"b":3}}]', 2)).toEqual({ text: '[[1],[null],{"a":null}]', tooDeep: true });
    expect(JSON.parse(boundJsonNesting(nested(20_000), 64).text)).toEqual(JSON.parse(nested(64, 'null')));
  });

  it('does not count brackets inside strings, escaped quotes and backslashes included', () => {
    for (const inner of ['"[[[[{{{{"', '"\\"[[[["', '"\\\\"', '"\\\\\\"[[["', '"\\u005b["']) {
      const text = `{"a":${inner}}`;
      expect(boundJsonNesting(text, 1), inner).toEqual({ text, tooDeep: false });
      expect(JSON.parse(text)).toBeTruthy();
    }
    const deepInString = `{"a":"${'['.repeat(20_000)}"}`;
    expect(boundJsonNesting(deepInString, 1).tooDeep).toBe(false);
  });

  it('stays linear however many escapes a string holds', () => {
    const text = JSON.stringify({ a: '\n"\\'.repeat(300_000), b: [[[]]] });
    const started = performance.now();
    const bounded = boundJsonNesting(text, 2);
    expect(performance.now() - started).toBeLessThan(500);
    expect(bounded.tooDeep).toBe(true);
    expect(bounded.text === text.replace('[[[]]]', '[null]')).toBe(true);
  });

  it('counts nothing after an unterminated string', () => {
    expect(boundJsonNesting('{"a":"[[[[', 1)).toEqual({ text: '{"a":"[[[[', tooDeep: false });
  });

  it('cuts an array that never closes to the end of the text', () => {
    expect(boundJsonNesting('[[[', 1)).toEqual({ text: '[null', tooDeep: true });
  });
});

describe('inspectJsonRpcBody: the nesting bound', () => {
  it(`accepts a message nesting exactly ${MAX_JSON_NESTING} levels`, () => {
    const inspection = inspect(toolCallNesting(MAX_JSON_NESTING));
    expect(inspection).toMatchObject({ kind: 'message', id: 1, call: { name: 'whoami' } });
  });

  it(`refuses ${MAX_JSON_NESTING + 1} levels with 400 and -32600, naming the tool for the audit`, () => {
    const text = toolCallNesting(MAX_JSON_NESTING + 1);
    const inspection = inspect(text);
    expect(inspection).toMatchObject({
      kind: 'refused',
      statusCode: 400,
      code: -32600,
      id: 1,
      message: expect.stringContaining(`deeper than ${MAX_JSON_NESTING} levels`),
      auditReason: 'nesting_too_deep',
    });
    if (inspection.kind !== 'refused') throw new Error('expected a refusal');
    expect(inspection.calls.map((call) => call.name)).toEqual(['whoami']);
    expect(inspection.calls[0]!.inputSha256()).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('refuses 20,000 levels the same way, in a few milliseconds', () => {
    const started = performance.now();
    const inspection = inspect(toolCallNesting(20_000));
    expect(performance.now() - started).toBeLessThan(100);
    expect(inspection).toMatchObject({ kind: 'refused', statusCode: 400, code: -32600, auditReason: 'nesting_too_deep' });
  });

  it('does not count nesting inside strings', () => {
    const text = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"notes_search","arguments":{"query":"${'['.repeat(20_000)}"}}}`;
    expect(inspect(text)).toMatchObject({ kind: 'message', call: { name: 'notes_search' } });
  });

  it('refuses deep invalid JSON as too deep, and shallow invalid JSON as a parse error', () => {
    expect(inspect(nested(20_000).slice(0, -1))).toMatchObject({ kind: 'refused', code: -32600, auditReason: 'nesting_too_deep' });
    expect(inspect('{"jsonrpc":')).toMatchObject({ kind: 'refused', code: -32700 });
  });
});

describe('inspectJsonRpcBody: malformed tools/call', () => {
  const call = (params: unknown, extra: Record<string, unknown> = { id: 1 }) =>
    inspect(JSON.stringify({ jsonrpc: '2.0', ...extra, method: 'tools/call', params }));

  it('answers arguments that are not an object, and a name that is not a string, with -32602 (the SDK said -32603)', () => {
    for (const params of [{ name: 'whoami', arguments: 'x' }, { name: 'whoami', arguments: [] }, { name: 'whoami', arguments: null }, { name: 7 }, undefined]) {
      expect(call(params), JSON.stringify(params)).toMatchObject({ kind: 'refused', statusCode: 200, code: -32602, id: 1, auditReason: 'invalid_params' });
    }
  });

  it('refuses a tools/call without a usable id: it is a request, not a notification', () => {
    for (const extra of [{}, { id: null }, { id: 1.5 }, { id: {} }]) {
      expect(call({ name: 'whoami', arguments: {} }, extra)).toMatchObject({ kind: 'refused', statusCode: 400, code: -32600, auditReason: 'not_a_request' });
    }
  });

  it('names the tools/calls of a refused batch, each with the hash of its own arguments', () => {
    const inspection = inspect(JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: { b: 1, a: 2 } } }, { jsonrpc: '2.0', id: 2, method: 'ping' }]));
    expect(inspection).toMatchObject({ kind: 'refused', statusCode: 400, code: -32600, auditReason: 'batch_not_supported' });
    if (inspection.kind !== 'refused') throw new Error('expected a refusal');
    expect(inspection.calls).toHaveLength(1);
    expect(inspection.calls[0]!.inputSha256()).toBe(canonicalSha256({ a: 2, b: 1 }));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members, as JSON.stringify would', () => {
    expect(canonicalJson({ b: [3, { d: 1, c: undefined }], a: 'x', e: null })).toBe('{"a":"x","b":[3,{"d":1}],"e":null}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson('"quoted"')).toBe(JSON.stringify('"quoted"'));
  });

  it('walks any depth without recursion (the audit must not fail on what a client sent)', () => {
    let value: unknown = 1;
    for (let depth = 0; depth < 100_000; depth++) value = depth % 2 ? [value] : { k: value };
    expect(() => canonicalSha256(value)).not.toThrow();
  });
});
