import { describe, expect, it } from '@jest/globals';
import { kustomize, overlayDir } from '../deploy/kustomize.js';
import { Hpa, inCronWindow, parseDailyCron, type AutoscalerRules } from './autoscaler.js';
import { fleetFromManifests } from './fleet-from-manifests.js';
import {
  runPolicy,
  type Fleet,
  type GatewayAssumptions,
  type ModelAssumptions,
} from './simulate.js';
import { arrivalsPerMinute, DEFAULT_PROFILE } from './traffic.js';

/*
 * Hand-worked: a replica serves 10 turns/s (600 tokens/s, 60 tokens a reply), i.e. 600 a minute,
 * and starts 2 minutes after it is asked for. Traffic steps from 300 to 1500 turns a minute (3
 * replicas' worth) at minute 5. The waiting trigger asks for one replica per 100 waiting.
 */
const model: ModelAssumptions = {
  tokensPerSec: 600,
  concurrencyKnee: 10,
  outputTokensPerTurn: 60,
  kvUsageAtKnee: 1,
  coldStartSec: 120,
};
const gw: GatewayAssumptions = {
  cpuMsPerTurn: 0,
  cpuRequestCores: 1,
  connectionsPerTurnPerSec: 0,
  startSec: 0,
  maxConcurrent: 1000,
  maxWaiting: 100_000,
};
const fast = { stabilizationWindowSeconds: 0, selectPolicy: 'Max' as const };
const vllmRules = (cronStart: number | null): AutoscalerRules => ({
  name: 'vllm',
  minReplicas: 1,
  maxReplicas: 4,
  cron:
    cronStart === null
      ? null
      : { timezone: 'UTC', startMin: cronStart, endMin: 30, desiredReplicas: 3 },
  triggers: [{ signal: 'vllmWaiting', target: 100 }],
  scaleUp: { ...fast, policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }] },
  scaleDown: {
    stabilizationWindowSeconds: 180,
    selectPolicy: 'Min',
    policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }],
  },
});
const fixedGateway: AutoscalerRules = {
  name: 'gateway',
  minReplicas: 1,
  maxReplicas: 2,
  cron: null,
  triggers: [],
  scaleUp: { ...fast, policies: [] },
  scaleDown: { ...fast, policies: [] },
};
const step: number[] = Array.from({ length: 14 }, (_, m) => (m < 5 ? 300 : 1500));
const run = (
  policy: 'static' | 'reactive' | 'cron+reactive',
  cronStart: number | null,
  g = gw,
  arrivals = step,
) => {
  const fleet: Fleet = { vllm: vllmRules(cronStart), gateway: fixedGateway };
  return runPolicy(policy, arrivals, fleet, model, g, { startMinuteOfDay: 0, warmupMinutes: 0 });
};
const waits = (r: ReturnType<typeof run>) => r.minutes.map((m) => m.waitSec);

describe('the simulation on a step of traffic', () => {
  it('reactive: the line grows through the cold start of the replicas it asks for', () => {
    const r = run('reactive', null);
    // Minute 5: 900 left over at 10/s -> 90 s; the scaler sees it at minute 6 and asks for 4,
    // ready at minute 8; the line drains at 40/s.
    expect(waits(r)).toEqual([0, 0, 0, 0, 0, 90, 180, 270, 45, 22.5, 0, 0, 0, 0]);
    expect(r.minutes.map((m) => m.vllmReplicas).slice(4, 9)).toEqual([1, 1, 4, 4, 4]);
    expect(r.maxReplicas).toBe(4);
    expect(r.busyShare).toBe(0);
  });

  it('cron before the step by the cold start: the replicas are ready when it arrives', () => {
    const r = run('cron+reactive', 3);
    expect(waits(r).every((w) => w === 0)).toBe(true);
    expect(r.minutes[5].vllmReady).toBe(3);
  });

  it('cron a minute before the step: the step lands inside the cold start', () => {
    const r = run('cron+reactive', 4);
    expect(waits(r)).toEqual([0, 0, 0, 0, 0, 90, 20, 10, 0, 0, 0, 0, 0, 0]);
  });

  it('cron at the step: all of the cold start is felt, then the line drains', () => {
    const r = run('cron+reactive', 5);
    expect(waits(r)).toEqual([0, 0, 0, 0, 0, 90, 180, 50, 15, 0, 0, 0, 0, 0]);
  });

  it('static: the fleet at its largest all along, never a wait, every minute billed', () => {
    const r = run('static', null);
    expect(waits(r).every((w) => w === 0)).toBe(true);
    expect(r.gpuHours).toBe(round1((4 * 14) / 60));
  });

  it('answers busy what the gateways cannot hold, and counts it', () => {
    // One gateway holds 10 + 500 = 510 turns: minute 5 leaves 10 running and 900 waiting (400
    // too many); minute 6, 500 + 1500 - 600 = 1400 waiting and 10 running (900 too many).
    const r = run('reactive', null, { ...gw, maxConcurrent: 10, maxWaiting: 500 });
    expect(r.minutes.map((m) => m.busy).slice(4, 7)).toEqual([0, 400, 900]);
    expect(r.busyShare).toBeGreaterThan(0);
  });

  it('scales down one replica per period after the stabilization window', () => {
    const arrivals = Array.from({ length: 20 }, (_, m) => (m < 3 ? 2400 : 60));
    const r = run('reactive', null, gw, arrivals);
    const replicas = r.minutes.map((m) => m.vllmReplicas);
    // Up to 4 at minute 1; the line (1800, 3600, 5400, 3060, 720) is gone at minute 5, the last
    // ask for 4 is the sync of minute 5; the 180 s window holds 4 to minute 8, then -1 every 120 s.
    expect(replicas).toEqual([1, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1]);
    expect(waits(r).slice(0, 6)).toEqual([180, 360, 540, 76.5, 18, 0]);
  });
});

const round1 = (v: number) => Math.round(v * 10) / 10;

describe('the autoscaler rules', () => {
  it('reads a daily cron and a window across midnight', () => {
    expect(parseDailyCron('30 23 * * *')).toBe(23 * 60 + 30);
    expect(() => parseDailyCron('0 0 * * 1-5')).toThrow(/daily/);
    const w = { timezone: 'UTC', startMin: 1410, endMin: 90, desiredReplicas: 7 };
    expect([1409, 1410, 0, 89, 90].map((m) => inCronWindow(w, m))).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
  });

  it('are the production manifests, as written', () => {
    const { fleet, concurrencyKnee, gateway } = fleetFromManifests(
      kustomize(overlayDir('production')),
    );
    expect(fleet.vllm).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    expect(fleet.vllm.cron).toEqual({
      timezone: 'Asia/Shanghai',
      startMin: 23 * 60 + 30,
      endMin: 90,
      desiredReplicas: 7,
    });
    expect(fleet.vllm.triggers.map((t) => t.signal)).toEqual([
      'vllmWaiting',
      'kvCache',
      'gatewayWaiting',
    ]);
    expect(fleet.vllm.scaleDown.policies).toEqual([{ type: 'Pods', value: 1, periodSeconds: 300 }]);
    expect(fleet.gateway.triggers).toEqual([
      { signal: 'connections', target: 4000 },
      { signal: 'cpu', target: 70 },
    ]);
    expect(concurrencyKnee).toBe(64);
    expect(gateway).toEqual({ cpuRequestCores: 0.5, maxConcurrent: 256, maxWaiting: 512 });
  });

  it('holds replicas within the tolerance and limits a rise by its policies', () => {
    const hpa = new Hpa(vllmRules(null), 1);
    expect(hpa.sync(0, { vllmWaiting: 105 }, false)).toBe(1);
    const slow = new Hpa(
      {
        ...vllmRules(null),
        maxReplicas: 10,
        scaleUp: { ...fast, policies: [{ type: 'Pods', value: 2, periodSeconds: 120 }] },
      },
      1,
    );
    expect(slow.sync(0, { vllmWaiting: 900 }, false)).toBe(3);
    expect(slow.sync(60, { vllmWaiting: 900 }, false)).toBe(3);
    expect(slow.sync(120, { vllmWaiting: 900 }, false)).toBe(5);
  });
});

describe('the traffic profile', () => {
  it('puts the default peak at 0:00-1:00, 3.5 times the daytime level', () => {
    const a = arrivalsPerMinute(DEFAULT_PROFILE);
    expect(a).toHaveLength(1440);
    expect(a[30]).toBeCloseTo(60 * 60);
    expect(a[10 * 60 + 30] * 3.5).toBeCloseTo(a[30]);
    // Between hour midpoints the weights are interpolated: 23:00 is halfway from 22:30 to 23:30.
    expect(a[23 * 60]).toBeCloseTo((((2.4 + 3.0) / 2) * 3600) / 3.5);
  });
});
