/**
 * Signals with known properties, for testing the analyses: tones, white noise, and a vowel-like
 * pulse train whose glottal pulse times and amplitudes are given exactly (fractional sample
 * positions included), so that F0, jitter and shimmer are known by construction.
 */

export function sineTone(
  frequencyHz: number,
  durationSec: number,
  sampleRate: number,
  amplitude = 0.5,
): Float32Array {
  const out = new Float32Array(Math.round(durationSec * sampleRate));
  for (let k = 0; k < out.length; k++) {
    out[k] = amplitude * Math.sin((2 * Math.PI * frequencyHz * k) / sampleRate);
  }
  return out;
}

/** Deterministic white noise, uniform in [-amplitude, amplitude] (mulberry32 generator). */
export function whiteNoise(
  durationSec: number,
  sampleRate: number,
  amplitude = 0.1,
  seed = 1,
): Float32Array {
  const out = new Float32Array(Math.round(durationSec * sampleRate));
  let state = seed >>> 0;
  for (let k = 0; k < out.length; k++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const uniform = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[k] = amplitude * (2 * uniform - 1);
  }
  return out;
}

export interface Pulse {
  /** Seconds. */
  time: number;
  amplitude: number;
}

/**
 * A vowel-like sound: every pulse excites two damped resonances (formants at 700 and 1200 Hz),
 * evaluated analytically so that pulses can fall between samples. `ringing` scales how long the
 * resonances ring (1: 4 and 3 ms time constants); when one pulse's ringing reaches into the next
 * period, waveform-matching jitter and shimmer measures see less of the pulse-time jitter.
 */
export function pulsedVowel(
  pulses: readonly Pulse[],
  durationSec: number,
  sampleRate: number,
  ringing = 1,
): Float32Array {
  const out = new Float32Array(Math.round(durationSec * sampleRate));
  const formants = [
    { hz: 700, decaySec: 0.004 * ringing, gain: 1 },
    { hz: 1200, decaySec: 0.003 * ringing, gain: 0.5 },
  ];
  const ringSec = 0.03 * ringing;
  for (const { time, amplitude } of pulses) {
    const from = Math.max(0, Math.ceil(time * sampleRate - 0.5));
    const to = Math.min(out.length - 1, Math.floor((time + ringSec) * sampleRate));
    for (let k = from; k <= to; k++) {
      const t = (k + 0.5) / sampleRate - time;
      if (t < 0) continue;
      let v = 0;
      for (const f of formants)
        v += f.gain * Math.exp(-t / f.decaySec) * Math.sin(2 * Math.PI * f.hz * t);
      out[k] += amplitude * v;
    }
  }
  return out;
}

/**
 * Pulses from `start` to `end` seconds at f0Hz, every other period lengthened and shortened by
 * `jitter` (so jitter (local) = 2 * jitter) and every other amplitude raised and lowered by
 * `shimmer` (so shimmer (local) = 2 * shimmer).
 */
export function alternatingPulses(options: {
  f0Hz: number;
  start: number;
  end: number;
  jitter?: number;
  shimmer?: number;
  amplitude?: number;
}): Pulse[] {
  const { f0Hz, start, end, jitter = 0, shimmer = 0, amplitude = 0.3 } = options;
  const pulses: Pulse[] = [];
  let t = start;
  for (let i = 0; t < end; i++) {
    const sign = i % 2 === 0 ? 1 : -1;
    pulses.push({ time: t, amplitude: amplitude * (1 + sign * shimmer) });
    t += (1 + sign * jitter) / f0Hz;
  }
  return pulses;
}

/** Concatenates signals, with `gapSec` seconds of silence before each one and after the last. */
export function withSilences(
  parts: readonly Float32Array[],
  gapsSec: readonly number[],
  sampleRate: number,
): Float32Array {
  const gaps = gapsSec.map((g) => Math.round(g * sampleRate));
  const total = parts.reduce((n, p) => n + p.length, 0) + gaps.reduce((n, g) => n + g, 0);
  const out = new Float32Array(total);
  let offset = 0;
  parts.forEach((part, i) => {
    offset += gaps[i] ?? 0;
    out.set(part, offset);
    offset += part.length;
  });
  return out;
}

export function mix(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(Math.max(a.length, b.length));
  for (let k = 0; k < out.length; k++) out[k] = (a[k] ?? 0) + (b[k] ?? 0);
  return out;
}
