import { describe, expect, it } from '@jest/globals';
import { affectSimilarity, affectStrength, emotionalMatch, recency } from './signals.js';

describe('signals', () => {
  it('halves recency every half-life', () => {
    expect(recency(0, 30)).toBe(1);
    expect(recency(30, 30)).toBeCloseTo(0.5);
    expect(recency(-5, 30)).toBe(1);
  });

  it('measures affect strength and similarity on the circumplex', () => {
    expect(affectStrength({ valence: 0, arousal: 0 })).toBe(0);
    expect(affectStrength({ valence: -1, arousal: 1 })).toBeCloseTo(1);
    expect(affectSimilarity({ valence: -1, arousal: -1 }, { valence: 1, arousal: 1 })).toBeCloseTo(
      0,
    );
    expect(affectSimilarity({ valence: 0.5, arousal: 0 }, { valence: 0.5, arousal: 0 })).toBe(1);
  });

  it('matches feelings only when both are strong and alike', () => {
    const sadNow = { valence: -0.8, arousal: -0.5 };
    const sadThen = { valence: -0.7, arousal: -0.6 };
    const happyThen = { valence: 0.8, arousal: 0.6 };
    expect(emotionalMatch(sadNow, sadThen, 1)).toBeGreaterThan(0.6);
    expect(emotionalMatch(sadNow, happyThen, 1)).toBeLessThan(0.3);
    expect(emotionalMatch({ valence: 0, arousal: 0 }, sadThen, 1)).toBe(0);
    expect(emotionalMatch(sadNow, sadThen, 0)).toBe(0);
    expect(emotionalMatch(null, sadThen, 1)).toBe(0);
  });
});
