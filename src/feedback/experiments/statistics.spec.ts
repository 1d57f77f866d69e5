import { describe, expect, it } from '@jest/globals';
import {
  betaBinomial,
  betaCdf,
  chiSquareSf,
  compareRatio,
  normalCdf,
  ratioEstimate,
  ratioSums,
  sampleRatioMismatch,
} from './statistics.js';

// Reference values computed independently with SciPy 1.17 (stats.beta, stats.chi2, quad) and a
// 4-million-draw Monte Carlo for the expected loss.

describe('special functions', () => {
  it('match SciPy', () => {
    expect(betaCdf(0.3, 2.5, 4.0)).toBeCloseTo(0.3521975859067672, 8);
    expect(chiSquareSf(20, 5)).toBeCloseTo(0.0012497305630313773, 9);
    expect(chiSquareSf(0.6349206349206349, 1)).toBeCloseTo(0.42555611641912916, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.1586553, 6);
  });
});

describe('betaBinomial', () => {
  it('100/1000 against 120/1000 with a Beta(1,1) prior: 92.3% to beat, 0.00048 expected loss', () => {
    const r = betaBinomial({ successes: 100, trials: 1000 }, { successes: 120, trials: 1000 });
    expect(r.chanceToBeat).toBeCloseTo(0.9231834, 4);
    expect(r.expectedLoss).toBeCloseTo(0.000485, 5);
  });

  it('is symmetric: the control against the variant is the complement, with the larger loss', () => {
    const r = betaBinomial({ successes: 120, trials: 1000 }, { successes: 100, trials: 1000 });
    expect(r.chanceToBeat).toBeCloseTo(1 - 0.9231834, 4);
    expect(r.expectedLoss).toBeCloseTo(0.020452, 4);
  });

  it('says 50% with no data', () => {
    expect(
      betaBinomial({ successes: 0, trials: 0 }, { successes: 0, trials: 0 }).chanceToBeat,
    ).toBeCloseTo(0.5, 6);
  });
});

describe('thumbs-up rate as a per-user ratio metric', () => {
  // (thumbs up, rated turns) per user.
  const control = ratioSums([
    { num: 3, den: 4 },
    { num: 1, den: 2 },
    { num: 0, den: 1 },
    { num: 5, den: 5 },
    { num: 2, den: 3 },
    { num: 1, den: 1 },
    { num: 0, den: 2 },
    { num: 4, den: 6 },
  ]);
  const variant = ratioSums([
    { num: 4, den: 4 },
    { num: 2, den: 2 },
    { num: 1, den: 1 },
    { num: 5, den: 6 },
    { num: 3, den: 3 },
    { num: 2, den: 2 },
    { num: 1, den: 2 },
    { num: 5, den: 6 },
  ]);

  it('estimates the ratio and its delta-method variance with users as the unit', () => {
    expect(ratioEstimate(control).ratio).toBeCloseTo(0.6666666666666666, 12);
    expect(ratioEstimate(control).variance).toBeCloseTo(0.010582010582010588, 12);
    expect(ratioEstimate(variant).variance).toBeCloseTo(0.002085761302875556, 12);
  });

  it('gives the interval, the chance to beat and the expected loss under a N(0, 0.1²) prior', () => {
    const r = compareRatio(control, variant);
    expect(r.difference).toBeCloseTo(0.21794871794871795, 12);
    expect(r.interval[0]).toBeCloseTo(-0.002651627637998255, 9);
    expect(r.interval[1]).toBeCloseTo(0.43854906353543416, 9);
    expect(r.chanceToBeat).toBeCloseTo(0.900808858938999, 5);
    expect(r.expectedLoss).toBeCloseTo(0.0035047666778217426, 5);
  });
});

describe('sampleRatioMismatch', () => {
  it('raises the alarm for 5000 against 5400 on a 50/50 split (p = 8.8e-5)', () => {
    const r = sampleRatioMismatch([5000, 5400], [1, 1]);
    expect(r.chiSquare).toBeCloseTo(15.384615384615385, 9);
    expect(r.pValue).toBeCloseTo(8.769942375590228e-5, 9);
    expect(r.mismatch).toBe(true);
  });

  it('stays quiet for 5000 against 5080 (p = 0.43) and a 2:1:1 split near its weights (p = 0.051)', () => {
    expect(sampleRatioMismatch([5000, 5080], [1, 1])).toMatchObject({ mismatch: false });
    const three = sampleRatioMismatch([2000, 1000, 1090], [2, 1, 1]);
    expect(three.chiSquare).toBeCloseTo(5.941320293398533, 9);
    expect(three.pValue).toBeCloseTo(0.05126945379731137, 7);
    expect(three.mismatch).toBe(false);
  });
});
