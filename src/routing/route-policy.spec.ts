import { describe, expect, it } from '@jest/globals';
import { parseRoutingFile, type RoutingFile } from './routing-config.js';
import { compileRoutingTable, decideRoute, type RouteInput } from './route-policy.js';
import { readGauges } from './prometheus-text.js';

const file = (() => {
  const read = parseRoutingFile({
    endpoints: [
      { name: 'big', baseUrl: 'http://big.internal/v1' },
      { name: 'small', baseUrl: 'http://small.internal/v1' },
    ],
    routes: [
      { name: 'best', endpoint: 'big', model: 'companion-qwen3-32b' },
      { name: 'cheap', endpoint: 'small', model: 'companion-qwen3-8b' },
      { name: 'lora-b', endpoint: 'big', model: 'companion-warmth-b' },
    ],
    policy: {
      default: 'best',
      best: 'best',
      cheap: 'cheap',
      fallbacks: { best: ['cheap'], cheap: ['best'], 'lora-b': ['best', 'cheap'] },
      peak: { timeZone: 'Asia/Shanghai', start: '23:30', end: '01:30' },
      longConversation: { turns: 40, tokens: 5000 },
      overload: { ownWaitingRatio: 0.5, endpointWaiting: 20, kvCacheUsage: 0.9 },
    },
  });
  if ('problems' in read) throw new Error(read.problems.join('; '));
  return read.file;
})();
const table = compileRoutingTable(file);

// 2026-03-02 12:00 and 00:30 in Asia/Shanghai (UTC+8).
const NOON = Date.UTC(2026, 2, 2, 4, 0);
const PEAK = Date.UTC(2026, 2, 1, 16, 30);

function input(over: Partial<RouteInput>): RouteInput {
  return {
    tier: 'free',
    locale: 'zh-CN',
    turns: 3,
    tokens: 400,
    nowMs: NOON,
    own: { waiting: 0, maxWaiting: 100 },
    load: new Map(),
    down: new Set(),
    variant: null,
    ...over,
  };
}

const idle = new Map([['big', { waiting: 0, kvCache: 0.2 }]]);
const busy = new Map([['big', { waiting: 50, kvCache: 0.95 }]]);

describe('decideRoute: tier x length x load x peak x health', () => {
  const rows: Array<
    [string, Partial<RouteInput>, { route: string; reason: string; movedFrom?: string }]
  > = [
    ['free, short, idle, daytime', {}, { route: 'best', reason: 'default' }],
    ['paid, short, idle, daytime', { tier: 'plus' }, { route: 'best', reason: 'paid' }],
    ['free, long by turns', { turns: 40 }, { route: 'cheap', reason: 'long_free' }],
    ['free, long by tokens', { tokens: 5000 }, { route: 'cheap', reason: 'long_free' }],
    ['paid, long', { tier: 'pro', turns: 400 }, { route: 'best', reason: 'paid' }],
    ['free, at the peak', { nowMs: PEAK }, { route: 'cheap', reason: 'peak_free' }],
    ['paid, at the peak', { tier: 'plus', nowMs: PEAK }, { route: 'best', reason: 'paid' }],
    ['free, endpoint busy', { load: busy }, { route: 'cheap', reason: 'overload_free' }],
    ['free, endpoint idle', { load: idle }, { route: 'best', reason: 'default' }],
    [
      'free, own line half full',
      { own: { waiting: 50, maxWaiting: 100 } },
      { route: 'cheap', reason: 'overload_free' },
    ],
    ['paid, endpoint busy', { tier: 'plus', load: busy }, { route: 'best', reason: 'paid' }],
    [
      'paid, best endpoint down',
      { tier: 'plus', down: new Set(['big']) },
      { route: 'cheap', reason: 'endpoint_down', movedFrom: 'best' },
    ],
    [
      'free, long, cheap endpoint down',
      { turns: 80, down: new Set(['small']) },
      { route: 'best', reason: 'endpoint_down', movedFrom: 'cheap' },
    ],
    [
      'free, at the peak, everything down: keeps the choice',
      { nowMs: PEAK, down: new Set(['big', 'small']) },
      { route: 'cheap', reason: 'peak_free' },
    ],
    [
      'an experiment variant, even for a free long conversation at the peak',
      { variant: { route: 'lora-b' }, turns: 90, nowMs: PEAK },
      { route: 'lora-b', reason: 'experiment' },
    ],
    [
      "a variant whose endpoint is down gives way to its fallback's",
      { variant: { route: 'lora-b' }, down: new Set(['big']) },
      { route: 'cheap', reason: 'endpoint_down', movedFrom: 'lora-b' },
    ],
  ];
  it.each(rows)('%s', (_label, over, expected) => {
    const decision = decideRoute(table, input(over));
    expect({
      route: decision.route,
      reason: decision.reason,
      movedFrom: decision.movedFrom,
    }).toEqual({ movedFrom: undefined, ...expected });
  });

  it('names fallbacks without the route it fell back from', () => {
    expect(decideRoute(table, input({})).fallbacks).toEqual(['cheap']);
    expect(decideRoute(table, input({ tier: 'plus', down: new Set(['big']) })).fallbacks).toEqual(
      [],
    );
  });

  it('lets an override rule win over everything', () => {
    const withOverride: RoutingFile = {
      ...file,
      policy: {
        ...file.policy,
        overrides: [
          { when: { tiers: ['free'], locales: ['zh'] }, route: 'lora-b', reason: 'zh_warmth' },
        ],
      },
    };
    const t = compileRoutingTable(withOverride);
    expect(decideRoute(t, input({ turns: 90 })).reason).toBe('zh_warmth');
    expect(decideRoute(t, input({ locale: 'en-US', turns: 90 })).reason).toBe('long_free');
  });

  it('crosses midnight: 23:29 is off-peak, 23:30 and 01:29 are peak, 01:30 is not', () => {
    const at = (h: number, m: number) => Date.UTC(2026, 2, 1, h - 8 < 0 ? h + 16 : h - 8, m);
    expect(decideRoute(table, input({ nowMs: at(23, 29) })).reason).toBe('default');
    expect(decideRoute(table, input({ nowMs: at(23, 30) })).reason).toBe('peak_free');
    expect(decideRoute(table, input({ nowMs: at(1, 29) })).reason).toBe('peak_free');
    expect(decideRoute(table, input({ nowMs: at(1, 30) })).reason).toBe('default');
  });
});

describe('the routing file', () => {
  it('refuses a route on an unknown endpoint and a policy naming an unknown route', () => {
    const read = parseRoutingFile({
      endpoints: [{ name: 'a', baseUrl: 'http://a/v1' }],
      routes: [{ name: 'r', endpoint: 'b', model: 'm' }],
      policy: { default: 'nope' },
    });
    expect('problems' in read && read.problems.join('\n')).toMatch(
      /no endpoint named b[\s\S]*no route named nope/,
    );
  });
});

describe('readGauges', () => {
  it("sums vLLM's gauges over their labels and ignores the rest", () => {
    const text = [
      '# HELP vllm:num_requests_waiting Number of requests waiting.',
      '# TYPE vllm:num_requests_waiting gauge',
      'vllm:num_requests_waiting{engine="0",model_name="a"} 3.0',
      'vllm:num_requests_waiting{engine="0",model_name="b"} 4.0',
      'vllm:kv_cache_usage_perc{engine="0",model_name="a"} 0.75',
      'vllm:num_requests_running{engine="0",model_name="a"} 9.0',
    ].join('\n');
    const g = readGauges(text, ['vllm:num_requests_waiting', 'vllm:kv_cache_usage_perc']);
    expect(Object.fromEntries(g)).toEqual({
      'vllm:num_requests_waiting': 7,
      'vllm:kv_cache_usage_perc': 0.75,
    });
  });
});
