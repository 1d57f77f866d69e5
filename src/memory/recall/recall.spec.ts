import { describe, expect, it } from '@jest/globals';
import { decodeVector, encodeVector, normalize } from '../embeddings/vector.js';
import { recall, type RecallInput } from './recall.js';
import { recallParams } from './recall-params.js';
import type { MemoryRecord, RecallItem, TurnRecord } from './recall.types.js';

/** A stand-in for the Qwen tokenizer: a token per word and per line break (additive, as Qwen). */
const countTokens = (text: string) =>
  text.split(/\s+/).filter(Boolean).length + (text.match(/\n/g)?.length ?? 0);
const speakers = { user: 'Amy', assistant: 'Kai' };
const day = (d: string, time = '18:00') => new Date(`${d}T${time}:00Z`);

let nextId = 0;
/** One conversation a day: [role, text] pairs, a minute apart. */
function conversation(date: string, lines: Array<['user' | 'assistant', string]>): TurnRecord[] {
  const conversationId = `c-${date}`;
  return lines.map(([role, content], i) => ({
    messageId: `m${++nextId}`,
    conversationId,
    seq: i + 1,
    role,
    content,
    createdAt: new Date(day(date).getTime() + 60_000 * i),
  }));
}

const history: TurnRecord[] = [
  ...conversation('2024-03-04', [
    ['user', 'Morning! I have my organic chemistry exam on Friday and I am so nervous.'],
    ['assistant', 'You have prepared a lot. Which part worries you most?'],
    ['user', 'Reaction mechanisms. My sister Lily will quiz me tonight.'],
    ['assistant', 'That sounds like a great plan.'],
  ]),
  ...conversation('2024-03-09', [
    ['user', 'The exam went fine yesterday! Lily made me pancakes to celebrate.'],
    ['assistant', 'Congratulations! Pancakes sound perfect.'],
    ['user', 'Sunday evenings are always lonely though, since I moved.'],
    ['assistant', 'I am here on Sunday evenings too.'],
  ]),
  ...conversation('2024-03-16', [
    ['user', '我上周二去医院看了牙医，还是有点疼。'],
    ['assistant', '希望很快就不疼了。'],
    ['user', 'We hiked up Tiger Mountain with my cousin Ben.'],
    ['assistant', 'What a view that must have been!'],
  ]),
];

function memory(over: Partial<MemoryRecord> & Pick<MemoryRecord, 'id' | 'text'>): MemoryRecord {
  return {
    kind: 'fact',
    sourceMessageIds: [],
    importance: 0.5,
    emotionalIntensity: 0,
    sensitive: false,
    core: false,
    createdAt: day('2024-03-09'),
    ...over,
  };
}

const at = day('2024-03-20', '09:00');
const ask = (text: string, extra: Partial<RecallInput> = {}) =>
  recall({ query: { text, at }, turns: history, speakers, countTokens, ...extra });
const ids = (item: RecallItem) => item.sourceMessageIds;
const contentOf = (id: string) => history.find((t) => t.messageId === id)!.content;

describe('recall', () => {
  it('finds the answering turn with its neighbours, its day and its dates resolved', () => {
    const [top] = ask('How did the exam go? Did we celebrate?').ranked;
    expect(top.kind).toBe('turns');
    expect(ids(top).map(contentOf)).toContain(
      'The exam went fine yesterday! Lily made me pancakes to celebrate.',
    );
    expect(top.text).toContain('[Saturday, 9 March 2024]');
    expect(top.text).toContain('Amy: The exam went fine yesterday (8 March 2024)!');
    expect(top.text).toContain('Kai: Congratulations!');
    expect(top.tokens).toBe(countTokens(top.text));
  });

  it('finds Chinese turns for a Chinese question', () => {
    const [top] = ask('我的牙还疼吗？').ranked;
    expect(ids(top).map(contentOf)).toContain('我上周二去医院看了牙医，还是有点疼。');
    expect(top.text).toContain('上周二（2024年3月5日）');
    expect(top.text).toContain('[2024年3月16日 周六]');
  });

  it('never puts one turn into two items', () => {
    const { ranked } = ask('exam Lily sister pancakes chemistry');
    const all = ranked.flatMap(ids);
    expect(new Set(all).size).toBe(all.length);
    expect(ranked.length).toBeGreaterThan(1);
  });

  it('keeps the selection within the budget, in rank order', () => {
    const params = recallParams({ budgetTokens: 60 });
    const { ranked, selected, selectedTokens } = ask('exam Lily', { params });
    expect(selectedTokens).toBeLessThanOrEqual(60);
    expect(selected.length).toBeGreaterThan(1);
    expect(ranked.length).toBeGreaterThan(selected.length);
    const separators = Math.max(0, selected.length - 1) * params.separatorTokens;
    expect(selected.reduce((sum, i) => sum + i.tokens, 0) + separators).toBe(selectedTokens);
    const order = selected.map((s) => ranked.findIndex((r) => r.key === s.key));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('recalls what was said on a day the user names, even without shared words', () => {
    // "last Saturday" on Wednesday 20 March is 16 March: the dentist and the hike.
    const { ranked } = ask('What did I tell you last Saturday?');
    const said = ranked.slice(0, 2).flatMap(ids).map(contentOf);
    expect(said).toContain('We hiked up Tiger Mountain with my cousin Ben.');
    expect(ranked[0].signals.date).toBe(1);
  });

  it('does not recall the part of the conversation the prompt already has', () => {
    const { ranked } = ask('Tiger Mountain hike', {
      exclude: { conversationId: 'c-2024-03-16', fromSeq: 3 },
    });
    expect(ranked.flatMap(ids).map(contentOf)).not.toContain(
      'We hiked up Tiger Mountain with my cousin Ben.',
    );
  });

  it('ignores messages and memories from after the query', () => {
    const { ranked } = recall({
      query: { text: 'exam', at: day('2024-03-05') },
      turns: history,
      memories: [
        memory({ id: 'later', text: 'Amy passed her exam', createdAt: day('2024-03-09') }),
      ],
      speakers,
      countTokens,
    });
    for (const item of ranked)
      expect(item.saidTo.getTime()).toBeLessThanOrEqual(day('2024-03-05').getTime());
  });
});

describe('recall with memories', () => {
  const memories = [
    memory({ id: 'name', text: "Amy's sister is called Lily.", core: true, importance: 0.9 }),
    memory({ id: 'city', text: 'Amy moved to Seattle in January.', core: true, importance: 0.7 }),
    memory({ id: 'old-job', text: 'Amy works at a bakery.', supersededBy: 'new-job' }),
    memory({ id: 'plan', text: 'Amy plans a trip to Kyoto.', validUntil: day('2024-03-10') }),
    memory({
      id: 'health',
      text: 'Amy has been seeing a therapist for anxiety.',
      sensitive: true,
      importance: 0.9,
    }),
    memory({
      id: 'lonely',
      text: 'Amy feels lonely on Sunday evenings since the move.',
      kind: 'episode',
      emotionalIntensity: 0.9,
      affect: { valence: -0.7, arousal: -0.5 },
      sourceMessageIds: [history[6].messageId],
    }),
  ];

  it('always puts the core profile first, most important first', () => {
    const { selected } = ask('pancakes', { memories });
    expect(selected.slice(0, 2).map((i) => i.memoryId)).toEqual(['name', 'city']);
    expect(selected[0].core).toBe(true);
    expect(selected[0].text).toBe("[Saturday, 9 March 2024] Amy's sister is called Lily.");
  });

  it('never recalls superseded or expired memories', () => {
    const keys = ask('bakery job Kyoto trip plans', { memories }).ranked.map((i) => i.key);
    expect(keys).not.toContain('memory:old-job');
    expect(keys).not.toContain('memory:plan');
  });

  it('recalls a sensitive memory only when the conversation is about it', () => {
    const unrelated = ask('pancakes', { memories, limit: 50 }).ranked.map((i) => i.key);
    expect(unrelated).not.toContain('memory:health');
    const [top] = ask('I want to talk about my anxiety and the therapist', { memories }).ranked;
    expect(top.key).toBe('memory:health');
    expect(top.sensitive).toBe(true);
  });

  it('brings back what was felt the same way, when the user sounds like that again', () => {
    const sad = { valence: -0.8, arousal: -0.4 };
    const withFeeling = recall({
      query: { text: 'hi', at, affect: sad },
      turns: [],
      memories,
      speakers,
      countTokens,
    });
    expect(withFeeling.ranked[0].memoryId).toBe('lonely');
    expect(withFeeling.ranked[0].signals.emotion).toBeGreaterThan(0.5);
    const calm = recall({ query: { text: 'hi', at }, turns: [], memories, speakers, countTokens });
    expect(calm.ranked[0].signals.emotion).toBe(0);
  });

  it('does not pay twice for a memory whose source turns are already in a window', () => {
    const { ranked } = ask('lonely Sunday evenings', { memories });
    const window = ranked.findIndex(
      (i) => i.kind === 'turns' && ids(i).includes(history[6].messageId),
    );
    const lonely = ranked.findIndex((i) => i.memoryId === 'lonely');
    expect(window).toBeGreaterThanOrEqual(0);
    expect(lonely === -1 || lonely < window).toBe(true);
  });

  it('lets an event date match a question about that day', () => {
    const exam = memory({
      id: 'exam-day',
      text: 'Organic chemistry exam',
      kind: 'event',
      createdAt: day('2024-03-04'),
      eventSpan: { from: day('2024-03-08', '09:00'), to: day('2024-03-08', '12:00') },
    });
    const [top] = recall({
      query: { text: 'What happened on 8 March?', at },
      turns: [],
      memories: [exam, memory({ id: 'other', text: 'Something else entirely' })],
      speakers,
      countTokens,
    }).ranked;
    expect(top.memoryId).toBe('exam-day');
    expect(top.text).toBe(
      '[Monday, 4 March 2024] Organic chemistry exam (when: Friday, 8 March 2024)',
    );
  });
});

describe('recall in the user time zone', () => {
  it('reads calendar days where the user lives', () => {
    // 23:30 UTC on 8 March is already 9 March in Shanghai.
    const turns = conversation('2024-03-08', [['user', 'I adopted a cat named Miso today!']]).map(
      (t) => ({ ...t, createdAt: new Date('2024-03-08T23:30:00Z') }),
    );
    const query = { text: 'What did I do on 9 March?', at, timeZone: 'Asia/Shanghai' };
    const [top] = recall({ query, turns, speakers, countTokens }).ranked;
    expect(top.text).toContain('[Saturday, 9 March 2024]');
    expect(top.signals.date).toBe(1);
    const utc = recall({ query: { ...query, timeZone: 'UTC' }, turns, speakers, countTokens });
    expect(utc.ranked[0].signals.date).toBe(0);
  });

  it('takes 昨天 asked just after midnight in Shanghai for the Shanghai day before', () => {
    const turn = (id: string, content: string, iso: string): TurnRecord => ({
      messageId: id,
      conversationId: `c-${id}`,
      seq: 1,
      role: 'user',
      content,
      createdAt: new Date(iso),
    });
    const turns = [
      // 18:00 on 1 December in Shanghai, 10:00 the same day in UTC.
      turn('first', '我今天去游泳了', '2026-12-01T10:00:00Z'),
      // 00:10 on 2 December in Shanghai, 16:10 on 1 December in UTC.
      turn('second', '我今天去跑步了', '2026-12-01T16:10:00Z'),
    ];
    // 00:30 on 3 December in Shanghai: yesterday there is 2 December; in UTC it is 1 December.
    const at = new Date('2026-12-02T16:30:00Z');
    const dated = (timeZone: string) =>
      Object.fromEntries(
        recall({
          query: { text: '我昨天做了什么？', at, timeZone },
          turns,
          speakers,
          countTokens,
        }).ranked.map((item) => [item.sourceMessageIds.join(), item.signals.date]),
      );
    expect(dated('Asia/Shanghai')).toEqual({ first: 0, second: 1 });
    expect(dated('UTC')).toEqual({ first: 1, second: 1 });
  });
});

describe('recall with embeddings', () => {
  /** Vectors on named axes: texts about the same thing share an axis, whatever their words. */
  const axes = ['exam', 'family', 'outdoors', 'loneliness', 'teeth'];
  const vector = (weights: Partial<Record<string, number>>) =>
    normalize(axes.map((a) => weights[a] ?? 0.05));
  const stored = (weights: Partial<Record<string, number>>) =>
    decodeVector(encodeVector(vector(weights)));
  const topic: Record<string, Partial<Record<string, number>>> = {
    'Tiger Mountain': { outdoors: 1, family: 0.4 },
    exam: { exam: 1 },
    pancakes: { exam: 0.5, family: 0.6 },
    lonely: { loneliness: 1 },
    牙医: { teeth: 1 },
  };
  const embedded = history.map((t) => {
    const key = Object.keys(topic).find((k) => t.content.includes(k));
    return { ...t, embedding: key ? stored(topic[key]) : stored({}) };
  });
  // No word in common with the hike turn ("outdoors" is not said anywhere).
  const question = 'Any ideas for a day outdoors this weekend?';

  it('ranks a turn that means what the message means, without a shared word, first', () => {
    const withVectors = recall({
      query: { text: question, at, embedding: vector({ outdoors: 1 }) },
      turns: embedded,
      speakers,
      countTokens,
    });
    expect(withVectors.ranked[0].text).toContain('Tiger Mountain');
    expect(withVectors.ranked[0].signals.semantic).toBe(1);
    const without = recall({
      query: { text: question, at },
      turns: embedded,
      speakers,
      countTokens,
    });
    expect(without.ranked[0].text).not.toContain('Tiger Mountain');
    expect(without.ranked.every((i) => i.signals.semantic === 0)).toBe(true);
  });

  it('keeps words first: a lexical match outranks a merely related item', () => {
    const result = recall({
      query: { text: 'How did the exam go?', at, embedding: vector({ family: 1 }) },
      turns: embedded,
      speakers,
      countTokens,
    });
    expect(result.ranked[0].text).toContain('exam');
  });

  it('scores memories by their own vectors and ignores vectors of another size', () => {
    const memories = [
      memory({
        id: 'hike',
        text: 'Likes long walks in the hills.',
        embedding: stored({ outdoors: 1 }),
      }),
      memory({
        id: 'other-model',
        text: 'Collects stamps.',
        embedding: decodeVector(encodeVector([1, 0, 0])),
      }),
    ];
    const result = recall({
      query: { text: question, at, embedding: vector({ outdoors: 1 }) },
      turns: [],
      memories,
      speakers,
      countTokens,
    });
    expect(result.ranked.map((i) => i.memoryId)).toEqual(['hike', 'other-model']);
    expect(result.ranked[1].signals.semantic).toBe(0);
  });
});
