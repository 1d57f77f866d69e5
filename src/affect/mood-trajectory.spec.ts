import { describe, expect, it } from '@jest/globals';
import {
  CONVERSATION_MOOD,
  USER_MOOD,
  describeMood,
  emptyMoodTrajectory,
  parseMoodTrajectory,
  updateMoodTrajectory,
} from './mood-trajectory.js';
import type { MoodTrajectory, MoodTurn } from './mood-trajectory.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2025, 0, 1, 12);
const turn = (valence: number, arousal = 0, confidence = 0.8): MoodTurn => ({
  valence,
  arousal,
  confidence,
});
function play(turns: readonly MoodTurn[], stepMs = MINUTE, start = emptyMoodTrajectory()) {
  return turns.reduce<MoodTrajectory>(
    (state, t, i) => updateMoodTrajectory(state, t, T0 + i * stepMs, CONVERSATION_MOOD),
    start,
  );
}

describe('updateMoodTrajectory', () => {
  it('starts at the first turn and weights later turns by confidence and decay', () => {
    const first = updateMoodTrajectory(emptyMoodTrajectory(), turn(0.6, 0.2), T0);
    expect(first.fast).toEqual({ valence: 0.6, arousal: 0.2, weight: 0.8 });
    expect(first.turns).toBe(1);
    // second turn right after: kept = e^(-1/3) (no time passed)
    const second = updateMoodTrajectory(first, turn(-0.4, 0, 0.4), T0);
    const kept = 0.8 * Math.exp(-1 / 3);
    expect(second.fast.valence).toBeCloseTo((0.6 * kept - 0.4 * 0.4) / (kept + 0.4), 3);
    expect(second.fast.weight).toBeCloseTo(kept + 0.4, 3);
    // the slow average keeps more of the past
    expect(second.slow.valence).toBeGreaterThan(second.fast.valence);
  });

  it('forgets with time: after a long gap the new turn dominates', () => {
    const before = play([turn(0.8), turn(0.8), turn(0.8)]);
    const soon = updateMoodTrajectory(before, turn(-0.5), before.lastAt! + MINUTE);
    const nextDay = updateMoodTrajectory(before, turn(-0.5), before.lastAt! + 24 * 60 * MINUTE);
    expect(nextDay.fast.valence).toBeLessThan(soon.fast.valence);
    expect(nextDay.slow.valence).toBeLessThan(soon.slow.valence);
    expect(nextDay.slow.valence).toBeLessThan(-0.25);
  });

  it('never lets time run backwards', () => {
    const state = play([turn(0.5)]);
    const late = updateMoodTrajectory(state, turn(0.5), T0 - 60 * MINUTE);
    expect(late.lastAt).toBe(T0);
    expect(late.turns).toBe(2);
  });
});

describe('describeMood', () => {
  it('"has become more down over the last few messages" after a steady start', () => {
    const state = play([
      ...Array.from({ length: 8 }, () => turn(0.5, 0.1)),
      turn(-0.3, -0.2),
      turn(-0.5, -0.3),
      turn(-0.6, -0.4),
    ]);
    const mood = describeMood(state, CONVERSATION_MOOD);
    const shift = mood.shifts.find((s) => s.dimension === 'valence')!;
    expect(shift.direction).toBe('down');
    expect(shift.delta).toBeLessThan(-0.25);
    expect(shift.confidence).toBeGreaterThan(0.5);
    expect(shift.evidence).toEqual({
      code: 'mood_valence_down',
      source: 'mood',
      en: 'has become more down over the last few messages',
      zh: '最近几条消息里情绪变得更低落了',
    });
    expect(mood.valence).toBeLessThan(mood.usualValence);
  });

  it('reports nothing for a steady mood, or before enough turns', () => {
    expect(
      describeMood(play(Array.from({ length: 10 }, () => turn(0.3))), CONVERSATION_MOOD).shifts,
    ).toEqual([]);
    expect(describeMood(play([turn(0.8), turn(-0.8)]), CONVERSATION_MOOD).shifts).toEqual([]);
  });

  it('names a brightening and an agitation, and the per-user span in days', () => {
    const brighter = play([...Array.from({ length: 6 }, () => turn(-0.5)), turn(0.6), turn(0.7)]);
    expect(describeMood(brighter).shifts[0].evidence.code).toBe('mood_valence_up');
    const agitated = play([
      ...Array.from({ length: 6 }, () => turn(-0.3, -0.2)),
      turn(-0.4, 0.7),
      turn(-0.5, 0.8),
      turn(-0.5, 0.8),
    ]);
    const arousal = describeMood(agitated).shifts.find((s) => s.dimension === 'arousal')!;
    expect(arousal.evidence.en).toBe('has become more agitated over the last few messages');
    const days = Array.from({ length: 30 }, (_, i) =>
      turn(i < 24 ? 0.4 : -0.4),
    ).reduce<MoodTrajectory>(
      (state, t, i) => updateMoodTrajectory(state, t, T0 + i * 6 * 60 * MINUTE, USER_MOOD),
      emptyMoodTrajectory(),
    );
    const down = describeMood(days, USER_MOOD).shifts.find((s) => s.dimension === 'valence')!;
    expect(down.evidence.en).toBe('has become more down over the last few days');
    expect(down.evidence.zh).toBe('最近几天情绪变得更低落了');
  });
});

describe('parseMoodTrajectory', () => {
  it('round-trips JSON and starts afresh from anything unusable', () => {
    const state = play([turn(0.5), turn(-0.2)]);
    expect(parseMoodTrajectory(JSON.parse(JSON.stringify(state)))).toEqual(state);
    expect(parseMoodTrajectory({ version: 1, turns: 2, fast: { valence: 'x' } })).toEqual(
      emptyMoodTrajectory(),
    );
    expect(parseMoodTrajectory(undefined)).toEqual(emptyMoodTrajectory());
  });
});
