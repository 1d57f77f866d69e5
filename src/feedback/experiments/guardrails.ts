import type { ExperimentDefinition } from './experiment-definition.js';

/** What a variant did, as guardrails read it. */
export interface GuardrailInput {
  turns: number;
  failed: number;
  crisis: number;
  p95Ms: number | null;
}

/**
 * The guardrails a variant breaks (docs/model-loop.md): crisis rate, error rate, 95th-percentile
 * reply time above the experiment's limits, once the variant has `minTurns` turns. Pure. The
 * control is never stopped (it is what the others fall back to).
 */
export function brokenGuardrails(
  def: ExperimentDefinition,
  variant: string,
  s: GuardrailInput,
): Array<'crisis_rate' | 'error_rate' | 'latency'> {
  const g = def.guardrails;
  if (variant === def.control || s.turns < g.minTurns) return [];
  const broken: Array<'crisis_rate' | 'error_rate' | 'latency'> = [];
  if (g.maxCrisisRate !== undefined && s.crisis / s.turns > g.maxCrisisRate)
    broken.push('crisis_rate');
  if (g.maxErrorRate !== undefined && s.failed / s.turns > g.maxErrorRate)
    broken.push('error_rate');
  if (g.maxP95LatencyMs !== undefined && s.p95Ms !== null && s.p95Ms > g.maxP95LatencyMs)
    broken.push('latency');
  return broken;
}
