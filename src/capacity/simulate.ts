import { Hpa, inCronWindow, type AutoscalerRules, type Signal } from './autoscaler.js';
import { MINUTES_PER_DAY } from './traffic.js';

/**
 * A day of the fleet, minute by minute, as a fluid queue: turns arrive, the ready vLLM replicas
 * serve them at their throughput, what they cannot serve waits (in vLLM up to what the gateways
 * let through, then in the gateways' own lines) and what the gateways cannot hold is answered
 * `busy`. The autoscalers see last minute's signals, as Prometheus and KEDA would.
 */

/** One vLLM replica (a GPU). Assumptions, not measurements: docs/scaling.md says where from. */
export interface ModelAssumptions {
  /** Output tokens per second a replica generates with its batch at the knee. */
  tokensPerSec: number;
  /** Sequences a replica runs at once (vLLM --max-num-seqs): the knee of its throughput. */
  concurrencyKnee: number;
  /** Mean output tokens of a reply. */
  outputTokensPerTurn: number;
  /** KV-cache usage of a replica whose batch is at the knee (0..1). */
  kvUsageAtKnee: number;
  /** Seconds from a replica being asked for to it serving (node, image, weights, compile). */
  coldStartSec: number;
}

/** One gateway pod: its CPU per turn (bench:chat), its request, and its model gate. */
export interface GatewayAssumptions {
  cpuMsPerTurn: number;
  cpuRequestCores: number;
  /** Open sockets per turn per second of traffic (connected users per active turn rate). */
  connectionsPerTurnPerSec: number;
  startSec: number;
  /** LLM_MAX_CONCURRENT and LLM_MAX_WAITING of each gateway. */
  maxConcurrent: number;
  maxWaiting: number;
}

export interface Fleet {
  vllm: AutoscalerRules;
  gateway: AutoscalerRules;
}

export const POLICIES = ['static', 'reactive', 'cron+reactive'] as const;
export type PolicyName = (typeof POLICIES)[number];

export interface MinuteRecord {
  /** Minute of the local day. */
  minuteOfDay: number;
  arrivals: number;
  vllmReplicas: number;
  vllmReady: number;
  gateways: number;
  /** Seconds a turn arriving at the minute's end waits for a place in a running batch. */
  waitSec: number;
  busy: number;
}

export interface PolicyResult {
  name: PolicyName;
  gpuHours: number;
  p99QueueWaitSec: number;
  maxReplicas: number;
  busyShare: number;
  minutes: MinuteRecord[];
}

export interface RunOptions {
  /** Local minute of day of arrivals[0]. */
  startMinuteOfDay: number;
  /** Minutes at the start that settle the autoscaler and are left out of the results. */
  warmupMinutes: number;
  initialVllm?: number;
  initialGateways?: number;
}

/** A wait the simulation reports when no replica is ready at all (nothing can be served). */
export const NO_REPLICA_WAIT_SEC = 600;

interface Pod {
  readyAt: number;
}

function resize(pods: Pod[], replicas: number, nowSec: number, startSec: number): void {
  while (pods.length < replicas) pods.push({ readyAt: nowSec + startSec });
  // A ReplicaSet removes pods that are not ready first, the youngest first.
  pods.sort((a, b) => a.readyAt - b.readyAt);
  while (pods.length > replicas) pods.pop();
}

/** The fraction of the minute [t, t+60) a pod serves in. */
const readyShare = (p: Pod, t: number) => Math.min(1, Math.max(0, (t + 60 - p.readyAt) / 60));

export function runPolicy(
  policy: PolicyName,
  arrivals: number[],
  fleet: Fleet,
  model: ModelAssumptions,
  gw: GatewayAssumptions,
  opts: RunOptions,
): PolicyResult {
  const isStatic = policy === 'static';
  const vllmRules = policy === 'reactive' ? { ...fleet.vllm, cron: null } : fleet.vllm;
  const vllmHpa = new Hpa(vllmRules, opts.initialVllm ?? fleet.vllm.minReplicas);
  const gwHpa = new Hpa(fleet.gateway, opts.initialGateways ?? fleet.gateway.minReplicas);
  if (isStatic) {
    vllmHpa.replicas = fleet.vllm.maxReplicas;
    gwHpa.replicas = fleet.gateway.maxReplicas;
  }
  const vllm: Pod[] = [];
  const gateways: Pod[] = [];
  resize(vllm, vllmHpa.replicas, -Infinity, 0);
  resize(gateways, gwHpa.replicas, -Infinity, 0);

  const perStreamTokensPerSec = model.tokensPerSec / model.concurrencyKnee;
  const serviceSec = model.outputTokensPerTurn / perStreamTokensPerSec;
  const turnsPerSecPerReplica = model.tokensPerSec / model.outputTokensPerTurn;

  let backlog = 0;
  let signals: Partial<Record<Signal, number>> = {};
  const minutes: MinuteRecord[] = [];
  for (let i = 0; i < arrivals.length; i++) {
    const t = i * 60;
    const minuteOfDay = (opts.startMinuteOfDay + i) % MINUTES_PER_DAY;
    const a = arrivals[i];
    if (!isStatic) {
      const cronOpen = !!vllmRules.cron && inCronWindow(vllmRules.cron, minuteOfDay);
      resize(vllm, vllmHpa.sync(t, signals, cronOpen), t, model.coldStartSec);
      resize(gateways, gwHpa.sync(t, signals, false), t, gw.startSec);
    }
    const ready = vllm.reduce((s, p) => s + readyShare(p, t), 0);
    const gwReady = gateways.reduce((s, p) => s + readyShare(p, t), 0);

    const capacity = ready * turnsPerSecPerReplica * 60;
    const served = Math.min(backlog + a, capacity);
    backlog = backlog + a - served;
    const running = Math.min(ready * model.concurrencyKnee, (served / 60) * serviceSec);
    // What the gateways can hold: LLM_MAX_CONCURRENT sent on, LLM_MAX_WAITING in their lines.
    const held = gwReady * (gw.maxConcurrent + gw.maxWaiting);
    const busy = Math.min(a, Math.max(0, backlog + running - held));
    backlog -= busy;
    const waitSec =
      backlog <= 0 ? 0 : capacity > 0 ? backlog / (capacity / 60) : NO_REPLICA_WAIT_SEC;

    const atVllm = Math.min(running + backlog, gwReady * gw.maxConcurrent);
    const vllmWaiting = Math.max(0, atVllm - running);
    const turnsPerSec = a / 60;
    signals = {
      vllmWaiting,
      gatewayWaiting: backlog - vllmWaiting,
      kvCache: (running / model.concurrencyKnee) * model.kvUsageAtKnee,
      connections: turnsPerSec * gw.connectionsPerTurnPerSec,
      cpu:
        gwReady > 0
          ? ((turnsPerSec * gw.cpuMsPerTurn) / 1000 / (gwReady * gw.cpuRequestCores)) * 100
          : 100,
      queueDepth: 0,
    };
    minutes.push({
      minuteOfDay,
      arrivals: a,
      vllmReplicas: vllm.length,
      vllmReady: ready,
      gateways: gateways.length,
      waitSec,
      busy,
    });
  }
  const day = minutes.slice(opts.warmupMinutes);
  const total = day.reduce((s, m) => s + m.arrivals, 0);
  const busy = day.reduce((s, m) => s + m.busy, 0);
  return {
    name: policy,
    gpuHours: round(day.reduce((s, m) => s + m.vllmReplicas, 0) / 60, 1),
    p99QueueWaitSec: round(weightedPercentile(day, 0.99), 1),
    maxReplicas: Math.max(...day.map((m) => m.vllmReplicas)),
    busyShare: round(total > 0 ? busy / total : 0, 4),
    minutes: day,
  };
}

/** The wait that `q` of the admitted turns do not exceed (each minute weighs its turns). */
export function weightedPercentile(minutes: MinuteRecord[], q: number): number {
  const rows = minutes
    .map((m) => ({ wait: m.waitSec, weight: m.arrivals - m.busy }))
    .filter((r) => r.weight > 0)
    .sort((x, y) => x.wait - y.wait);
  const total = rows.reduce((s, r) => s + r.weight, 0);
  let seen = 0;
  for (const r of rows) {
    seen += r.weight;
    if (seen >= q * total) return r.wait;
  }
  return 0;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * A whole day under each policy: 36 hours from midnight, reported from noon to noon so the
 * night sits in the middle and the autoscalers have had half a day to settle.
 */
export function simulateDay(
  dayArrivals: number[],
  fleet: Fleet,
  model: ModelAssumptions,
  gw: GatewayAssumptions,
): PolicyResult[] {
  const arrivals = [...dayArrivals, ...dayArrivals.slice(0, MINUTES_PER_DAY / 2)];
  return POLICIES.map((p) =>
    runPolicy(p, arrivals, fleet, model, gw, { startMinuteOfDay: 0, warmupMinutes: 720 }),
  );
}
