import { unitOf } from '../../routing/fnv.js';
import type { ExperimentDefinition } from './experiment-definition.js';

/** Who a turn is for, as targeting reads it. */
export interface Audience {
  userId: string;
  tier: string;
  locale: string | null;
  platform: string | null;
  /** Nothing the user said lies outside this conversation's prompt yet. */
  isNew: boolean;
}

export interface Assignment {
  experiment: string;
  variant: string;
  route: string;
}

/** Whether a user is targeted by an experiment (before traffic and the variant split). */
export function targets(e: ExperimentDefinition, a: Audience): boolean {
  const t = e.targeting;
  if (t.tiers && !t.tiers.includes(a.tier)) return false;
  if (t.locales && !(a.locale && t.locales.some((l) => matchesLocale(a.locale!, l)))) return false;
  if (t.platforms && !(a.platform && t.platforms.includes(a.platform))) return false;
  if (t.audience === 'new' && !a.isNew) return false;
  if (t.audience === 'returning' && a.isNew) return false;
  return true;
}

/**
 * The variant a user gets, from FNV-1a of `key:userId` (the same on every pod): one hash decides
 * whether they are in the traffic share and, rescaled within it, which variant by weight. Null
 * when the experiment is not running, does not target them, or leaves them out of its traffic.
 */
export function assignVariant(e: ExperimentDefinition, a: Audience): Assignment | null {
  if (e.status !== 'running' || e.traffic <= 0 || !targets(e, a)) return null;
  const point = unitOf(`${e.key}:${a.userId}`);
  if (point >= e.traffic) return null;
  const within = point / e.traffic;
  const total = e.variants.reduce((s, v) => s + v.weight, 0);
  let edge = 0;
  for (const v of e.variants) {
    edge += v.weight / total;
    if (within < edge && v.weight > 0)
      return { experiment: e.key, variant: v.name, route: v.route };
  }
  const last = [...e.variants].reverse().find((v) => v.weight > 0)!;
  return { experiment: e.key, variant: last.name, route: last.route };
}

function matchesLocale(locale: string, prefix: string): boolean {
  const l = locale.toLowerCase();
  const p = prefix.toLowerCase();
  return l === p || l.startsWith(`${p}-`);
}
