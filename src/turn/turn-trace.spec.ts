import { describe, expect, it } from '@jest/globals';
import { FORGOTTEN } from '../common/forgotten.js';
import { scrubTrace, type TurnTrace } from './turn-trace.js';

const at = (iso: string) => new Date(iso);

function trace(over: Partial<TurnTrace> = {}, prompt: Partial<TurnTrace['prompt']> = {}) {
  return {
    conversationId: 'conv-a',
    recalled: [
      { id: 'memory:m1', kind: 'memory', text: 'Their ex is called Sam.', score: 0.9 },
      { id: 'memory:m2', kind: 'memory', text: 'Likes tea.', score: 0.5 },
      { id: 'turns:conv-b:3-6', kind: 'turns', text: 'User: Sam texted again', score: 0.4 },
    ],
    prompt: {
      system: 'system',
      summary: 'They talked about Sam.',
      note: 'Note:\nTheir ex is called Sam.\nLikes tea.\nUser: Sam texted again\n',
      history: [],
      tokens: 10,
      droppedTurns: 0,
      ...prompt,
    },
    ...over,
  } as TurnTrace;
}

describe('scrubTrace', () => {
  it('masks recalled memories it deleted and recalled turns that held its messages, in the note too', () => {
    const out = scrubTrace(trace(), at('2026-12-02T10:00:00Z'), {
      memoryIds: ['m1'],
      messages: [{ conversationId: 'conv-b', seq: 5, createdAt: at('2026-12-01T09:00:00Z') }],
      topic: null,
    })!;
    expect(out.recalled.map((r) => r.text)).toEqual([FORGOTTEN, 'Likes tea.', FORGOTTEN]);
    expect(out.prompt.note).toBe(`Note:\n${FORGOTTEN}\nLikes tea.\n${FORGOTTEN}\n`);
    // The summary is of conversation A, which held none of the forgotten messages.
    expect(out.prompt.summary).toBe('They talked about Sam.');
  });

  it('masks the summary of a conversation whose messages were forgotten, from the first of them on', () => {
    const forgotten = {
      memoryIds: [],
      messages: [{ conversationId: 'conv-a', seq: 2, createdAt: at('2026-12-02T09:00:00Z') }],
      topic: null,
    };
    expect(scrubTrace(trace({ recalled: [] }), at('2026-12-02T08:00:00Z'), forgotten)).toBeNull();
    const after = scrubTrace(trace({ recalled: [] }), at('2026-12-02T10:00:00Z'), forgotten)!;
    expect(after.prompt.summary).toBe(FORGOTTEN);
  });

  it('replaces the whole note when a masked text is not in it verbatim', () => {
    const out = scrubTrace(
      trace({}, { note: 'Note: something else' }),
      at('2026-12-02T10:00:00Z'),
      {
        memoryIds: ['m1'],
        messages: [],
        topic: null,
      },
    )!;
    expect(out.prompt.note).toBe(FORGOTTEN);
  });

  it('leaves a trace that holds none of it alone, and does not scrub twice', () => {
    const none = { memoryIds: ['m9'], messages: [], topic: null };
    expect(scrubTrace(trace(), at('2026-12-02T10:00:00Z'), none)).toBeNull();
    const once = scrubTrace(trace(), at('2026-12-02T10:00:00Z'), {
      memoryIds: ['m1'],
      messages: [],
      topic: null,
    })!;
    expect(
      scrubTrace(once, at('2026-12-02T10:00:00Z'), {
        memoryIds: ['m1'],
        messages: [],
        topic: null,
      }),
    ).toBeNull();
  });
});
