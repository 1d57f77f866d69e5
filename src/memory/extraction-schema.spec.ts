import { describe, expect, it } from '@jest/globals';
import { MAX_OPERATIONS, parseOperations } from './extraction-schema.js';

const known = { memories: new Set(['m1']), turns: new Set(['t1', 't2']) };

const op = (fields: Record<string, unknown> = {}) => ({
  op: 'add',
  target: null,
  kind: 'fact',
  text: 'Likes tea.',
  about: null,
  importance: 0.5,
  emotional_intensity: 0,
  valence: null,
  arousal: null,
  sensitive: false,
  core: false,
  sources: ['t1'],
  ...fields,
});

const parse = (operations: unknown[]) => parseOperations(JSON.stringify({ operations }), known);

describe('parseOperations', () => {
  it('rejects an answer that is not JSON with an operations list', () => {
    expect(parseOperations('not json', known)).toEqual({
      ok: false,
      error: 'the answer is not JSON',
    });
    expect(parseOperations('[]', known)).toMatchObject({ ok: false });
    expect(parseOperations('{"ops": []}', known)).toMatchObject({ ok: false });
    expect(parseOperations('{"operations": []}', known)).toEqual({
      ok: true,
      operations: [],
      dropped: [],
    });
  });

  it('drops only the invalid operations, and says which and why', () => {
    const result = parse([
      op({ text: 'Likes tea.' }),
      op({ importance: 7, sources: ['t2'] }),
      op({ op: 'supersede', target: 'm9', sources: ['t2'] }),
      op({ sources: ['t1', 't9'] }),
      op({ op: 'update', target: null }),
      op({ text: 'Likes coffee.', sources: ['t2'] }),
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.operations.map((o) => o.text)).toEqual(['Likes tea.', 'Likes coffee.']);
    expect(result.dropped).toEqual([
      { index: 1, op: 'add', target: null, sources: ['t2'], reason: 'importance: too_big' },
      { index: 2, op: 'supersede', target: 'm9', sources: ['t2'], reason: 'unknown memory m9' },
      { index: 3, op: 'add', target: null, sources: ['t1', 't9'], reason: 'unknown turn t9' },
      { index: 4, op: 'update', target: null, sources: ['t1'], reason: 'update needs a target' },
    ]);
  });

  it('never quotes what the model wrote in a reason', () => {
    const result = parse([
      op({ kind: 'private diary of Sam' }),
      op({ op: 'remember Sam', target: 'Sam' }),
      op({ text: 'x'.repeat(301) }),
      op({ extra: 'Sam lives at 5 Elm St' }),
      'Sam',
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.operations).toEqual([]);
    expect(result.dropped).toHaveLength(5);
    expect(JSON.stringify(result.dropped)).not.toMatch(/Sam|diary|xxx/);
    expect(result.dropped[1]).toMatchObject({ op: null, target: null });
  });

  it('drops a text PostgreSQL cannot store, and operations past the limit', () => {
    const result = parse([
      op({ text: 'Likes\u0000tea.' }),
      ...Array.from({ length: MAX_OPERATIONS + 1 }, (_, i) => op({ text: `Fact ${i}.` })),
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.operations).toHaveLength(MAX_OPERATIONS - 1);
    expect(result.dropped.map((d) => [d.index, d.reason])).toEqual([
      [0, 'text: not storable'],
      [MAX_OPERATIONS, `more than ${MAX_OPERATIONS} operations`],
      [MAX_OPERATIONS + 1, `more than ${MAX_OPERATIONS} operations`],
    ]);
  });
});
