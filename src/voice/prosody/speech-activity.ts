import { frameTime } from './frames.js';
import type { IntensityTrack } from './intensity.js';
import { quantileOfSorted, sortedCopy } from './statistics.js';

/**
 * Energy-based speech activity: a frame is speech when its intensity is within
 * `rangeBelowPeakDb` of the clip's loud level (its 99th percentile, so one click does not set
 * it) and above an absolute floor. Silent gaps shorter than `minPauseSec` (stop closures, word
 * junctures) are bridged; what remains between two stretches of speech is a pause. Leading and
 * trailing silence are not pauses.
 */
export interface SpeechActivitySettings {
  rangeBelowPeakDb: number;
  floorDb: number;
  minPauseSec: number;
  minSpeechSec: number;
}

export const SPEECH_ACTIVITY_SETTINGS: SpeechActivitySettings = {
  rangeBelowPeakDb: 25,
  floorDb: -70,
  minPauseSec: 0.2,
  minSpeechSec: 0.05,
};

export interface Segment {
  readonly start: number;
  readonly end: number;
}

/** The intensity above which a frame counts as speech (de Jong & Wempe 2009: 99th pct - 25 dB). */
export function speechThresholdDb(
  intensity: IntensityTrack,
  settings: Pick<SpeechActivitySettings, 'rangeBelowPeakDb' | 'floorDb'> = SPEECH_ACTIVITY_SETTINGS,
): number {
  const loud = quantileOfSorted(sortedCopy(intensity.db), 0.99);
  return Math.max((loud ?? -Infinity) - settings.rangeBelowPeakDb, settings.floorDb);
}

export function detectSpeech(
  intensity: IntensityTrack,
  threshold: number = speechThresholdDb(intensity),
  settings: Pick<SpeechActivitySettings, 'minPauseSec' | 'minSpeechSec'> = SPEECH_ACTIVITY_SETTINGS,
): Segment[] {
  const { layout, db } = intensity;
  const raw: Segment[] = [];
  for (let f = 0; f < layout.count; f++) {
    if (db[f] < threshold || (f > 0 && db[f - 1] >= threshold)) continue;
    let last = f;
    while (last + 1 < layout.count && db[last + 1] >= threshold) last++;
    raw.push({
      start: frameTime(layout, f) - layout.step / 2,
      end: frameTime(layout, last) + layout.step / 2,
    });
  }
  const bridged: Segment[] = [];
  for (const segment of raw) {
    const previous = bridged.at(-1);
    if (previous && segment.start - previous.end < settings.minPauseSec) {
      bridged[bridged.length - 1] = { start: previous.start, end: segment.end };
    } else {
      bridged.push(segment);
    }
  }
  return bridged.filter((s) => s.end - s.start >= settings.minSpeechSec);
}

/** Durations of the silences between consecutive speech segments. */
export function pausesBetween(segments: readonly Segment[]): number[] {
  const pauses: number[] = [];
  for (let i = 1; i < segments.length; i++) pauses.push(segments[i].start - segments[i - 1].end);
  return pauses;
}
