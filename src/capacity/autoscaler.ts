/**
 * The autoscaler as the manifests write it: a KEDA ScaledObject read into rules, and the HPA
 * those rules drive (desired replicas from each trigger, the largest wins, then the behavior's
 * stabilization windows and rate policies). Plain data in, plain data out.
 */

/** What a trigger reads, named after the signal the simulation produces for it. */
export type Signal =
  'vllmWaiting' | 'kvCache' | 'gatewayWaiting' | 'connections' | 'queueDepth' | 'cpu';

export interface MetricTrigger {
  signal: Signal;
  /** AverageValue target per replica (for cpu: utilization percent of the request). */
  target: number;
}

export interface CronWindow {
  timezone: string;
  /** Minutes after local midnight. */
  startMin: number;
  endMin: number;
  desiredReplicas: number;
}

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min';
  policies: ScalingPolicy[];
}

export interface AutoscalerRules {
  name: string;
  minReplicas: number;
  maxReplicas: number;
  cron: CronWindow | null;
  triggers: MetricTrigger[];
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

const SIGNAL_OF_METRIC: Record<string, Signal> = {
  'vllm:num_requests_waiting': 'vllmWaiting',
  'vllm:kv_cache_usage_perc': 'kvCache',
  companion_llm_requests_waiting: 'gatewayWaiting',
  companion_socket_connections: 'connections',
  companion_queue_depth: 'queueDepth',
};

/** HPA's defaults where the behavior leaves a field out (Kubernetes API reference). */
const DEFAULT_UP: ScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
const DEFAULT_DOWN: ScalingRules = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

/** `M H * * *` only: a daily window is all the manifests use, and all this reads. */
export function parseDailyCron(expr: string): number {
  const parts = expr.trim().split(/\s+/);
  const [m, h, ...rest] = parts;
  if (parts.length !== 5 || rest.some((p) => p !== '*') || !/^\d+$/.test(m) || !/^\d+$/.test(h))
    throw new Error(`only daily "M H * * *" cron expressions are simulated, not "${expr}"`);
  const minute = Number(m) + 60 * Number(h);
  if (Number(m) > 59 || Number(h) > 23) throw new Error(`"${expr}" is not a time of day`);
  return minute;
}

/** Whether a minute of the day is inside the window (which may run across midnight). */
export function inCronWindow(w: CronWindow, minuteOfDay: number): boolean {
  const m = ((minuteOfDay % 1440) + 1440) % 1440;
  return w.startMin <= w.endMin ? m >= w.startMin && m < w.endMin : m >= w.startMin || m < w.endMin;
}

/* A ScaledObject as YAML gives it; only the fields read here are typed. */
export interface ScaledObjectDoc {
  metadata: { name: string };
  spec: {
    minReplicaCount?: number;
    maxReplicaCount?: number;
    advanced?: {
      horizontalPodAutoscalerConfig?: {
        behavior?: { scaleUp?: Partial<ScalingRules>; scaleDown?: Partial<ScalingRules> };
      };
    };
    triggers: Array<{ type: string; metricType?: string; metadata: Record<string, string> }>;
  };
}

/** The rules of a ScaledObject; a trigger or setting the simulation cannot model is an error. */
export function rulesFromScaledObject(so: ScaledObjectDoc): AutoscalerRules {
  const s = so.spec;
  let cron: CronWindow | null = null;
  const triggers: MetricTrigger[] = [];
  for (const t of s.triggers) {
    if (t.type === 'cron') {
      if (cron) throw new Error(`${so.metadata.name}: one cron window is simulated, not more`);
      cron = {
        timezone: t.metadata.timezone,
        startMin: parseDailyCron(t.metadata.start),
        endMin: parseDailyCron(t.metadata.end),
        desiredReplicas: Number(t.metadata.desiredReplicas),
      };
    } else if (t.type === 'prometheus') {
      if ((t.metricType ?? 'AverageValue') !== 'AverageValue')
        throw new Error(`${so.metadata.name}: only AverageValue prometheus triggers are simulated`);
      const query = t.metadata.query;
      const metric = Object.keys(SIGNAL_OF_METRIC).find((name) => query.includes(name));
      if (!metric) throw new Error(`${so.metadata.name}: no simulated signal for "${query}"`);
      triggers.push({ signal: SIGNAL_OF_METRIC[metric], target: Number(t.metadata.threshold) });
    } else if (t.type === 'cpu') {
      if (t.metricType !== 'Utilization') throw new Error('only cpu Utilization is simulated');
      triggers.push({ signal: 'cpu', target: Number(t.metadata.value) });
    } else throw new Error(`${so.metadata.name}: trigger type ${t.type} is not simulated`);
  }
  const behavior = s.advanced?.horizontalPodAutoscalerConfig?.behavior ?? {};
  return {
    name: so.metadata.name,
    minReplicas: s.minReplicaCount ?? 0,
    maxReplicas: s.maxReplicaCount ?? 100,
    cron,
    triggers,
    scaleUp: { ...DEFAULT_UP, ...behavior.scaleUp },
    scaleDown: { ...DEFAULT_DOWN, ...behavior.scaleDown },
  };
}

/** The HPA's tolerance: a metric within 10% of its target changes nothing (controller default). */
export const HPA_TOLERANCE = 0.1;

/** Replicas a trigger asks for, given the fleet total of its signal (cpu: mean utilization). */
export function replicasFor(t: MetricTrigger, value: number, current: number): number {
  if (t.signal === 'cpu') {
    const ratio = value / t.target;
    if (Math.abs(ratio - 1) <= HPA_TOLERANCE) return current;
    return Math.ceil(current * ratio);
  }
  const ratio = current > 0 ? value / (t.target * current) : Infinity;
  if (Math.abs(ratio - 1) <= HPA_TOLERANCE) return current;
  return Math.ceil(value / t.target);
}

/**
 * One HPA: it remembers its recommendations and its own scaling events, as the controller does,
 * to apply the stabilization windows and the rate policies.
 */
export class Hpa {
  private readonly recommendations: Array<{ at: number; replicas: number }> = [];
  private readonly events: Array<{ at: number; change: number }> = [];

  constructor(
    readonly rules: AutoscalerRules,
    public replicas: number,
  ) {}

  /**
   * The replicas after a sync at `nowSec`, from each trigger's signal value; `cronActive` says
   * whether the cron window is open (its desired count then joins the triggers).
   */
  sync(nowSec: number, signals: Partial<Record<Signal, number>>, cronActive: boolean): number {
    const r = this.rules;
    const current = this.replicas;
    const asked = r.triggers.map((t) => replicasFor(t, signals[t.signal] ?? 0, current));
    if (r.cron && cronActive) asked.push(r.cron.desiredReplicas);
    const raw = Math.min(r.maxReplicas, Math.max(r.minReplicas, ...asked, 0));

    this.recommendations.push({ at: nowSec, replicas: raw });
    const keep = Math.max(
      r.scaleUp.stabilizationWindowSeconds,
      r.scaleDown.stabilizationWindowSeconds,
    );
    while (this.recommendations[0].at < nowSec - keep) this.recommendations.shift();
    const within = (w: number) =>
      this.recommendations.filter((x) => x.at >= nowSec - w).map((x) => x.replicas);
    // Up: the lowest recommendation of the up window; down: the highest of the down window.
    const upTo = Math.min(...within(r.scaleUp.stabilizationWindowSeconds));
    const downTo = Math.max(...within(r.scaleDown.stabilizationWindowSeconds));
    let next = current;
    if (upTo > current) next = Math.min(upTo, this.limit(nowSec, current, r.scaleUp, 1));
    else if (downTo < current)
      next = Math.max(downTo, this.limit(nowSec, current, r.scaleDown, -1));

    if (next !== current) this.events.push({ at: nowSec, change: next - current });
    this.replicas = next;
    return next;
  }

  /** The furthest the policies let the replicas go now (`dir` 1 up, -1 down). */
  private limit(nowSec: number, current: number, rules: ScalingRules, dir: 1 | -1): number {
    const limits = rules.policies.map((p) => {
      const moved = this.events
        .filter((e) => e.at > nowSec - p.periodSeconds && Math.sign(e.change) === dir)
        .reduce((a, e) => a + e.change, 0);
      const start = current - moved;
      if (p.type === 'Pods') return start + dir * p.value;
      return Math.ceil(start * (1 + (dir * p.value) / 100));
    });
    // Max lets the largest change through (up: highest limit; down: lowest), Min the smallest.
    const widest = rules.selectPolicy === 'Max';
    return dir === 1
      ? widest
        ? Math.max(...limits)
        : Math.min(...limits)
      : widest
        ? Math.min(...limits)
        : Math.max(...limits);
  }
}
