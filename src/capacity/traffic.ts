import { z } from 'zod';

/**
 * A day's traffic: turns per second at its busiest minute, and 24 hourly weights (local time,
 * hour 0 = 0:00-1:00) relative to each other. Minutes between hour midpoints are interpolated
 * linearly, so a day has no step that the profile does not draw.
 */
export const trafficProfileSchema = z
  .object({
    name: z.string().min(1),
    peakTurnsPerSec: z.number().positive(),
    hourly: z.array(z.number().min(0)).length(24),
  })
  .strict();

export type TrafficProfile = z.infer<typeof trafficProfileSchema>;

/**
 * The default day: daytime near 1, an evening climb, and the nightly peak at 0:00-1:00 at 3.5x
 * the daytime level (3-4x is what the product sees), falling to a trough before dawn.
 */
export const DEFAULT_PROFILE: TrafficProfile = {
  name: 'default: 3.5x midnight peak',
  peakTurnsPerSec: 60,
  hourly: [
    3.5, 2.6, 1.4, 0.7, 0.4, 0.35, 0.45, 0.7, 0.9, 1.0, 1.0, 1.0, 1.1, 1.0, 0.95, 0.95, 1.0, 1.05,
    1.15, 1.3, 1.55, 1.9, 2.4, 3.0,
  ],
};

export const MINUTES_PER_DAY = 24 * 60;

/** Turns arriving in each minute of the day (index = minute after local midnight). */
export function arrivalsPerMinute(profile: TrafficProfile): number[] {
  const top = Math.max(...profile.hourly);
  if (top <= 0) throw new Error('a profile needs some traffic');
  const h = profile.hourly;
  return Array.from({ length: MINUTES_PER_DAY }, (_, m) => {
    // Each hour's weight sits at its midpoint (hh:30); wrap around midnight.
    const pos = (m - 30 + MINUTES_PER_DAY) / 60;
    const i = Math.floor(pos) % 24;
    const frac = pos - Math.floor(pos);
    const w = h[i] + (h[(i + 1) % 24] - h[i]) * frac;
    return (w / top) * profile.peakTurnsPerSec * 60;
  });
}
