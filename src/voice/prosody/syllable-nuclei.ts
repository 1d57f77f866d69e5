import { frameTime } from './frames.js';
import type { IntensityTrack } from './intensity.js';
import type { PitchTrack } from './pitch.js';

/**
 * Syllable nuclei after de Jong & Wempe (2009): peaks of the intensity contour that are loud
 * enough (above the speech threshold), stand out from their surroundings by at least `minDipDb`,
 * and are voiced. Their script asks for a 2 dB dip after each peak; here a peak needs 2 dB of
 * prominence, i.e. a 2 dB dip towards the nearest higher peak on either side, so a shoulder on
 * the falling slope of a vowel is not counted as a syllable of its own. Returns the peak times.
 */
export function findSyllableNuclei(
  intensity: IntensityTrack,
  pitch: PitchTrack,
  thresholdDb: number,
  minDipDb = 2,
): number[] {
  const { layout, db } = intensity;
  const nuclei: number[] = [];
  for (let f = 1; f + 1 < layout.count; f++) {
    if (!(db[f] > db[f - 1] && db[f] >= db[f + 1] && db[f] >= thresholdDb)) continue;
    if (prominence(db, f) < minDipDb) continue;
    const t = frameTime(layout, f);
    if (isVoicedAt(pitch, t)) nuclei.push(t);
  }
  return nuclei;
}

/**
 * How far the peak at f rises above the higher of the two dips towards higher ground. Of two
 * equally high peaks the left one counts as the higher, so a flat top is one peak, not several.
 */
function prominence(db: Float64Array, f: number): number {
  const baseTowards = (direction: -1 | 1): number => {
    let lowest = db[f];
    for (let i = f + direction; i >= 0 && i < db.length; i += direction) {
      if (db[i] > db[f] || (direction < 0 && db[i] === db[f])) break;
      lowest = Math.min(lowest, db[i]);
    }
    return lowest;
  };
  return db[f] - Math.max(baseTowards(-1), baseTowards(1));
}

function isVoicedAt(pitch: PitchTrack, t: number): boolean {
  const { layout, f0Hz } = pitch;
  const frame = Math.round((t - layout.firstTime) / layout.step);
  return frame >= 0 && frame < layout.count && f0Hz[frame] > 0;
}
