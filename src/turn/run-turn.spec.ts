import { describe, expect, it } from '@jest/globals';
import { CodedError } from '../common/coded-error.js';
import type { TurnAffectResult } from '../affect/affect.service.js';
import { runTurn, type TurnPlan, type TurnStage } from './run-turn.js';
import { buildTrace } from './turn-trace.js';
import {
  TurnStopped,
  type Turn,
  type Risk,
  type TurnFindings,
  type TurnOutput,
  type TurnRequest,
  type TurnStart,
} from './turn.js';

const request: TurnRequest = {
  conversationId: 'c1',
  userId: 'u1',
  turnId: 't1',
  why: 'message',
  receivedAt: 1000,
};

function start(): TurnStart {
  return {
    turnId: 't1',
    user: { id: 'u1', locale: 'zh-CN', timeZone: 'Asia/Shanghai', ageBand: null, tier: 'free' },
    conversationId: 'c1',
    reply: { id: 'r1', seq: 4 },
    answering: {
      id: 'm3',
      seq: 3,
      kind: 'text',
      content: 'rough day',
      contentTokens: 3,
      clientMsgId: 'cm3',
      createdAt: new Date(0),
    },
    answered: [{ id: 'm3', kind: 'text' }],
    voice: [],
    conversation: {
      summary: null,
      history: [{ id: 'm3', seq: 3, role: 'user', content: 'rough day', tokens: 3 }],
      olderTurns: false,
    },
    reads: {},
    receivedAt: 1000,
    storedAt: 1001,
    startedAt: 1001,
    why: 'message',
    signal: new AbortController().signal,
  };
}

const completed: TurnOutput = {
  status: 'completed',
  content: 'That sounds hard.',
  errorCode: null,
  model: 'm',
  ttftMs: 5,
  upstreamAt: 1010,
  usage: { promptTokens: 10, completionTokens: 4 },
};

const affect = { affect: { label: 'sadness', valence: -0.5 } } as unknown as TurnAffectResult;

/** A stage that records its run and returns `value` (or throws it when it is an Error). */
function stage<K extends keyof TurnFindings>(
  log: string[],
  name: TurnStage['name'],
  produces: K,
  value: TurnFindings[K] | Error | ((turn: Turn) => TurnFindings[K]),
  options: { optional?: boolean; fallback?: TurnFindings[K] } = {},
): TurnStage<K> {
  return {
    name,
    produces,
    optional: options.optional ?? false,
    run: (turn) => {
      log.push(name);
      if (value instanceof Error) return Promise.reject(value);
      return Promise.resolve(typeof value === 'function' ? value(turn) : value);
    },
    ...(options.fallback !== undefined ? { fallback: () => options.fallback } : {}),
  };
}

function plan(log: string[], stages: TurnStage[], overrides: Partial<TurnPlan> = {}) {
  const finished: Turn[] = [];
  let released = 0;
  const p: TurnPlan = {
    admit: () => {
      log.push('admit');
      return Promise.resolve({ release: () => void released++ });
    },
    claim: () => {
      log.push('claim');
      return Promise.resolve(start());
    },
    stages,
    finish: (turn) => {
      log.push('finish');
      finished.push(turn);
      return Promise.resolve();
    },
    now: (() => {
      let t = 0;
      return () => (t += 2);
    })(),
    ...overrides,
  };
  return { plan: p, finished, released: () => released };
}

const defaults = {
  model: 'configured',
  promptVersion: 'companion/v3@x',
  sampling: { temperature: 0.7, topP: 0.8, topK: 20, presencePenalty: 1.5, maxTokens: 512 },
};
const stored = (turn: Turn) => ({
  status: turn.output!.status,
  errorCode: turn.output!.errorCode,
  model: turn.output!.model,
  promptVersion: null,
  ttftMs: turn.output!.ttftMs,
  totalMs: 30,
  promptTokens: null,
  completionTokens: null,
});

const noRisk: Risk = {
  level: 'none',
  categories: [],
  evidence: [],
  guard: null,
  conversationLevel: 'none',
  userLevel: 'none',
  crisis: false,
  care: false,
  minor: false,
  lang: 'en',
};

describe('runTurn', () => {
  it('admits, claims, runs every stage in order on the value the earlier ones built, then finishes', async () => {
    const log: string[] = [];
    let seenByRecall: unknown = null;
    const {
      plan: p,
      finished,
      released,
    } = plan(log, [
      stage(log, 'affect', 'affect', affect, { optional: true }),
      stage(log, 'safety', 'risk', noRisk),
      stage(log, 'recall', 'recall', (turn) => {
        seenByRecall = turn.affect;
        return {
          summary: null,
          history: [],
          memories: [],
          memoryTokens: 0,
          forgotten: null,
          memoryError: null,
        };
      }),
      stage(log, 'generate', 'output', completed),
    ]);
    const turn = await runTurn(request, p);
    expect(log).toEqual(['admit', 'claim', 'affect', 'safety', 'recall', 'generate', 'finish']);
    expect(seenByRecall).toBe(affect);
    expect(turn).toBe(finished[0]);
    expect(turn!.output).toEqual(completed);
    expect(turn!.failed).toBeNull();
    expect(turn!.degraded).toEqual([]);
    expect(Object.keys(turn!.timings)).toEqual(['admit', 'affect', 'safety', 'recall', 'generate']);
    expect(released()).toBe(1);
  });

  it('claims nothing and runs no stage when the place at the model is given up (draining)', async () => {
    const log: string[] = [];
    const { plan: p, released } = plan(log, [stage(log, 'generate', 'output', completed)], {
      admit: () => Promise.reject(new TurnStopped('shutdown')),
    });
    expect(await runTurn(request, p)).toBeNull();
    expect(log).toEqual([]);
    expect(released()).toBe(0);
  });

  it('releases the place and runs nothing more when there is nothing to answer', async () => {
    const log: string[] = [];
    const { plan: p, released } = plan(log, [stage(log, 'generate', 'output', completed)], {
      claim: () => Promise.resolve(null),
    });
    expect(await runTurn(request, p)).toBeNull();
    expect(log).toEqual(['admit']);
    expect(released()).toBe(1);
  });

  it('degrades when an optional stage fails: goes on with its fallback and records it in the trace', async () => {
    const log: string[] = [];
    const { plan: p } = plan(log, [
      stage(log, 'affect', 'affect', new Error('classifier down'), {
        optional: true,
        fallback: null,
      }),
      stage(log, 'generate', 'output', completed),
    ]);
    const turn = (await runTurn(request, p))!;
    expect(log).toEqual(['admit', 'claim', 'affect', 'generate', 'finish']);
    expect(turn.affect).toBeNull();
    expect(turn.degraded).toEqual([{ stage: 'affect', error: 'classifier down' }]);
    expect(turn.output!.status).toBe('completed');
    const trace = buildTrace(turn, stored(turn), defaults);
    expect(trace).toMatchObject({
      turnId: 't1',
      status: 'completed',
      failedStage: null,
      degraded: [{ stage: 'affect', error: 'classifier down' }],
    });
  });

  it('ends the turn with a stored coded outcome when a required stage fails', async () => {
    const log: string[] = [];
    const { plan: p, finished } = plan(log, [
      stage(log, 'safety', 'risk', new CodedError('policy_unavailable', 'checker down')),
      stage(log, 'recall', 'recall', new Error('never asked')),
      stage(log, 'generate', 'output', completed),
    ]);
    const turn = (await runTurn(request, p))!;
    expect(log).toEqual(['admit', 'claim', 'safety', 'finish']);
    expect(finished).toHaveLength(1);
    expect(turn.failed).toEqual({
      stage: 'safety',
      code: 'policy_unavailable',
      error: 'checker down',
    });
    expect(turn.output).toMatchObject({ status: 'failed', errorCode: 'policy_unavailable' });
    expect(buildTrace(turn, stored(turn), defaults)).toMatchObject({
      status: 'failed',
      errorCode: 'policy_unavailable',
      failedStage: 'safety',
      model: 'configured',
    });
  });

  it('codes an unexpected failure of a required stage as internal', async () => {
    const log: string[] = [];
    const { plan: p } = plan(log, [
      stage(log, 'prompt', 'prompt', new TypeError('template broke')),
      stage(log, 'generate', 'output', completed),
    ]);
    const turn = (await runTurn(request, p))!;
    expect(turn.output).toMatchObject({ status: 'failed', errorCode: 'internal', content: '' });
  });

  it('answers a refused admission with its coded outcome, without affect, recall or the model', async () => {
    const log: string[] = [];
    const { plan: p, released } = plan(
      log,
      [
        stage(log, 'affect', 'affect', affect, { optional: true }),
        stage(log, 'generate', 'output', completed),
      ],
      {
        admit: () => {
          log.push('admit');
          return Promise.reject(new CodedError('busy', 'line full', { retryAfterMs: 4000 }));
        },
      },
    );
    const turn = (await runTurn(request, p))!;
    expect(log).toEqual(['admit', 'claim', 'finish']);
    expect(turn.output).toMatchObject({ status: 'failed', errorCode: 'busy', retryAfterMs: 4000 });
    expect(turn.failed?.stage).toBe('admit');
    expect(released()).toBe(0);
  });

  it('stops at the first stage that produces the reply', async () => {
    const log: string[] = [];
    const protocol: TurnOutput = {
      ...completed,
      model: null,
      content: 'Here is a number to call.',
    };
    const { plan: p } = plan(log, [
      stage(log, 'safety', 'output', protocol),
      stage(log, 'generate', 'output', completed),
    ]);
    const turn = (await runTurn(request, p))!;
    expect(log).toEqual(['admit', 'claim', 'safety', 'finish']);
    expect(turn.output).toBe(protocol);
  });

  it('does not wait for a place at the model when the screen reads a crisis in the text', async () => {
    const log: string[] = [];
    const protocol: TurnOutput = { ...completed, model: null, source: 'protocol' };
    const { plan: p, released } = plan(
      log,
      [
        stage(log, 'safety', 'risk', { ...noRisk, level: 'high', crisis: true }),
        {
          ...stage(log, 'protocol', 'output', protocol),
          run: (turn) => {
            log.push('protocol');
            return Promise.resolve(turn.risk?.crisis ? protocol : undefined);
          },
        },
        stage(log, 'generate', 'output', completed),
      ],
      { screen: (req) => req.text === 'urgent' },
    );
    const turn = (await runTurn({ ...request, text: 'urgent' }, p))!;
    expect(log).toEqual(['claim', 'safety', 'protocol', 'finish']);
    expect(turn.output).toBe(protocol);
    expect(turn.permit).toBeUndefined();
    expect(released()).toBe(0);
  });

  it('goes on past a stage that adds nothing', async () => {
    const log: string[] = [];
    const { plan: p } = plan(log, [
      {
        ...stage(log, 'protocol', 'output', completed),
        run: () => (log.push('protocol'), Promise.resolve(undefined)),
      },
      stage(log, 'generate', 'output', completed),
    ]);
    const turn = (await runTurn({ ...request, text: 'hello' }, p))!;
    expect(log).toEqual(['admit', 'claim', 'protocol', 'generate', 'finish']);
    expect(turn.output).toBe(completed);
  });

  it('still releases the place when the finish fails', async () => {
    const log: string[] = [];
    const { plan: p, released } = plan(log, [stage(log, 'generate', 'output', completed)], {
      finish: () => Promise.reject(new Error('database gone')),
    });
    await expect(runTurn(request, p)).rejects.toThrow('database gone');
    expect(released()).toBe(1);
  });
});
