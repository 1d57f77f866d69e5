import { describe, expect, it } from '@jest/globals';
import { accumulateRisk } from './accumulate-risk.js';
import type { RiskLevel, RiskReading } from './risk-reading.js';

const HOUR = 3_600_000;
const HALF_LIFE = 12 * HOUR;
const reading = (level: RiskLevel): RiskReading => ({
  level,
  categories: level === 'none' ? [] : ['suicide'],
  evidence: [],
  lang: 'en',
});

function run(levels: RiskLevel[], stepMs = 60_000, halfLife = HALF_LIFE) {
  let state: { score: number; at: number } | null = null;
  let now = 0;
  const out: Array<{ score: number; level: RiskLevel }> = [];
  for (const l of levels) {
    const next = accumulateRisk(state, reading(l), now, halfLife);
    out.push(next);
    state = next;
    now += stepMs;
  }
  return out;
}

describe('accumulateRisk', () => {
  it('starts from the reading: none 0, low 1.2, medium 2.25, high 3.25, critical 4.125', () => {
    expect(accumulateRisk(null, reading('none'), 0, HALF_LIFE)).toEqual({
      score: 0,
      at: 0,
      level: 'none',
    });
    expect(accumulateRisk(null, reading('low'), 5, HALF_LIFE)).toMatchObject({
      at: 5,
      level: 'low',
    });
    expect(accumulateRisk(null, reading('low'), 0, HALF_LIFE).score).toBeCloseTo(1.09, 5);
    expect(accumulateRisk(null, reading('medium'), 0, HALF_LIFE)).toMatchObject({
      score: 2.25,
      level: 'medium',
    });
    expect(accumulateRisk(null, reading('high'), 0, HALF_LIFE)).toMatchObject({
      score: 3.25,
      level: 'high',
    });
    expect(accumulateRisk(null, reading('critical'), 0, HALF_LIFE)).toMatchObject({
      score: 4.125,
      level: 'high',
    });
  });

  it('halves with each half-life, and a calm turn lowers nothing more', () => {
    const prev = { score: 3, at: 0 };
    expect(accumulateRisk(prev, reading('none'), HALF_LIFE, HALF_LIFE).score).toBeCloseTo(1.5, 10);
    expect(accumulateRisk(prev, reading('none'), 2 * HALF_LIFE, HALF_LIFE).score).toBeCloseTo(
      0.75,
      10,
    );
    expect(accumulateRisk(prev, reading('none'), 0, HALF_LIFE).score).toBe(3);
  });

  it('counts a clock that went backwards as no time passed', () => {
    expect(accumulateRisk({ score: 2, at: 1000 }, reading('none'), 0, HALF_LIFE).score).toBe(2);
  });

  it('keeps care (medium) for the next turns after one medium reading', () => {
    const turns = run(['medium', 'none', 'none', 'none', 'none']);
    expect(turns.map((t) => t.level)).toEqual(['medium', 'medium', 'medium', 'medium', 'medium']);
  });

  it('climbs with repeated medium readings to high, and stays below medium with repeated low ones', () => {
    const medium = run(['medium', 'medium', 'medium']);
    expect(medium.map((t) => t.level)).toEqual(['medium', 'medium', 'high']);
    expect(medium[2].score).toBeCloseTo(2.575, 3);
    const low = run(new Array<RiskLevel>(40).fill('low'));
    expect(low[39].level).toBe('low');
    expect(low[39].score).toBeLessThan(1.5);
  });

  it('never accumulates above high', () => {
    const turns = run(['critical', 'critical', 'critical']);
    expect(turns.every((t) => t.level === 'high')).toBe(true);
    expect(turns[2].score).toBeGreaterThan(4);
  });

  it('brings a critical turn below medium after 4 quiet days at a 12-hour half-life', () => {
    const crisis = accumulateRisk(null, reading('critical'), 0, HALF_LIFE);
    const later = accumulateRisk(crisis, reading('none'), 4 * 24 * HOUR, HALF_LIFE);
    expect(later.level).toBe('none');
    expect(later.score).toBeCloseTo(4.125 / 256, 10);
    // The user's own, at a 3-day half-life, still asks for care the next day.
    const user = accumulateRisk(crisis, reading('none'), 24 * HOUR, 3 * 24 * HOUR);
    expect(user.level).toBe('high');
  });

  it('does not lower a new reading below its own level', () => {
    const prev = { score: 3.5, at: 0 };
    expect(accumulateRisk(prev, reading('medium'), 0, HALF_LIFE).score).toBeCloseTo(3.5, 10);
    const faded = { score: 0.1, at: 0 };
    expect(accumulateRisk(faded, reading('high'), 0, HALF_LIFE).level).toBe('high');
  });
});
