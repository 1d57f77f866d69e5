/**
 * Experiment statistics (docs/model-loop.md), pure: Beta-Binomial chance to beat control and
 * expected loss for proportions; a per-user ratio metric (thumbs-up rate: ups over rated turns,
 * users as the unit) with its delta-method variance, a normal posterior under a proper normal prior
 * on the difference, and a frequentist interval; the sample-ratio-mismatch chi-square test.
 */

// --- special functions -------------------------------------------------------------------------

/** ln Γ(x), Lanczos (g = 7, n = 9), x > 0. */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61503916999185, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularized incomplete beta I_x(a, b), by its continued fraction (modified Lentz). */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x > (a + 1) / (a + b + 2)) return 1 - betaCdf(1 - x, b, a);
  const tiny = 1e-300;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let i = 0; i <= 400; i++) {
    const m = Math.floor(i / 2);
    let numerator: number;
    if (i === 0) numerator = 1;
    else if (i % 2 === 0) numerator = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    else numerator = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    const cd = c * d;
    f *= cd;
    if (Math.abs(1 - cd) < 1e-12) break;
  }
  return (front * (f - 1)) / a;
}

function betaPdf(x: number, a: number, b: number): number {
  if (x <= 0 || x >= 1) return 0;
  return Math.exp(
    (a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x) + logGamma(a + b) - logGamma(a) - logGamma(b),
  );
}

/** The upper tail Q(s, x) of the regularized incomplete gamma function. */
export function gammaQ(s: number, x: number): number {
  if (x <= 0) return 1;
  const lead = Math.exp(-x + s * Math.log(x) - logGamma(s));
  if (x < s + 1) {
    // Series for P, then Q = 1 - P.
    let sum = 1 / s;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (s + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * lead;
  }
  // Continued fraction for Q (Lentz).
  const tiny = 1e-300;
  let b = x + 1 - s;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return lead * h;
}

/** The survival function of chi-square with `dof` degrees of freedom. */
export function chiSquareSf(x: number, dof: number): number {
  return gammaQ(dof / 2, x / 2);
}

/** Φ, the standard normal CDF (Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

function normalPdf(z: number): number {
  return Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);
}

/** Simpson's rule over [lo, hi] with n (even) intervals. */
function simpson(f: (x: number) => number, lo: number, hi: number, n = 2000): number {
  const h = (hi - lo) / n;
  let sum = f(lo) + f(hi);
  for (let i = 1; i < n; i++) sum += f(lo + i * h) * (i % 2 ? 4 : 2);
  return (sum * h) / 3;
}

// --- Beta-Binomial -------------------------------------------------------------------------------

export interface BetaBinomialResult {
  /** P(rate of the variant > rate of the control). */
  chanceToBeat: number;
  /** E[max(control - variant, 0)]: what choosing the variant costs when it is worse. */
  expectedLoss: number;
}

/**
 * Variant against control for a proportion, each with a Beta(prior) prior (default Beta(1, 1))
 * updated by its successes and trials; integrated numerically over where the variant's
 * posterior lives (± 12 standard deviations).
 */
export function betaBinomial(
  control: { successes: number; trials: number },
  variant: { successes: number; trials: number },
  prior = { alpha: 1, beta: 1 },
): BetaBinomialResult {
  const aA = prior.alpha + control.successes;
  const bA = prior.beta + control.trials - control.successes;
  const aB = prior.alpha + variant.successes;
  const bB = prior.beta + variant.trials - variant.successes;
  const meanA = aA / (aA + bA);
  const meanB = aB / (aB + bB);
  const sd = (a: number, b: number) => Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  const lo = Math.max(1e-12, Math.min(meanA - 12 * sd(aA, bA), meanB - 12 * sd(aB, bB)));
  const hi = Math.min(1 - 1e-12, Math.max(meanA + 12 * sd(aA, bA), meanB + 12 * sd(aB, bB)));
  const chanceToBeat = simpson((x) => betaPdf(x, aB, bB) * betaCdf(x, aA, bA), lo, hi);
  // E[(A - B)+] = ∫ f_B(b) [E[A; A > b] - b P(A > b)] db, with E[A; A > b] = mean_A (1 - I_b(aA+1, bA)).
  const expectedLoss = simpson(
    (b) =>
      betaPdf(b, aB, bB) * (meanA * (1 - betaCdf(b, aA + 1, bA)) - b * (1 - betaCdf(b, aA, bA))),
    lo,
    hi,
  );
  return { chanceToBeat: clamp01(chanceToBeat), expectedLoss: Math.max(0, expectedLoss) };
}

// --- ratio metric (per-user) ---------------------------------------------------------------------

/** Per-user sums of a ratio metric: numerator (e.g. thumbs up) and denominator (rated turns). */
export interface RatioSums {
  users: number;
  num: number;
  den: number;
  num2: number;
  den2: number;
  numDen: number;
}

/** Sums over users of x (numerator) and y (denominator): what the SQL roll-up returns. */
export function ratioSums(perUser: ReadonlyArray<{ num: number; den: number }>): RatioSums {
  const s: RatioSums = { users: 0, num: 0, den: 0, num2: 0, den2: 0, numDen: 0 };
  for (const u of perUser) {
    s.users++;
    s.num += u.num;
    s.den += u.den;
    s.num2 += u.num * u.num;
    s.den2 += u.den * u.den;
    s.numDen += u.num * u.den;
  }
  return s;
}

/**
 * The ratio Σx/Σy and its variance by the delta method, users as the unit:
 * Var(R) ≈ (σx² − 2R σxy + R² σy²) / (n μy²), with sample (co)variances over users.
 */
export function ratioEstimate(s: RatioSums): { ratio: number; variance: number } {
  const n = s.users;
  if (n < 2 || s.den === 0) return { ratio: s.den ? s.num / s.den : 0, variance: Infinity };
  const mx = s.num / n;
  const my = s.den / n;
  const vx = (s.num2 - n * mx * mx) / (n - 1);
  const vy = (s.den2 - n * my * my) / (n - 1);
  const cxy = (s.numDen - n * mx * my) / (n - 1);
  const r = mx / my;
  return { ratio: r, variance: Math.max(0, (vx - 2 * r * cxy + r * r * vy) / (n * my * my)) };
}

export interface RatioComparison {
  control: number;
  variant: number;
  /** variant − control. */
  difference: number;
  /** 95% interval of the difference (normal, delta method). */
  interval: [number, number];
  /** Under a normal prior N(0, priorSd²) on the difference. */
  chanceToBeat: number;
  expectedLoss: number;
}

/**
 * Variant against control on a ratio metric: the difference's normal likelihood (delta-method
 * variances) combined with a proper N(0, priorSd²) prior on it (default 0.1: a thumbs-up rate
 * rarely moves by more than ten points), and the frequentist 95% interval without the prior.
 */
export function compareRatio(
  control: RatioSums,
  variant: RatioSums,
  priorSd = 0.1,
): RatioComparison {
  const a = ratioEstimate(control);
  const b = ratioEstimate(variant);
  const d = b.ratio - a.ratio;
  const v = a.variance + b.variance;
  const se = Math.sqrt(v);
  const interval: [number, number] = Number.isFinite(se)
    ? [d - 1.96 * se, d + 1.96 * se]
    : [-Infinity, Infinity];
  const prior = priorSd * priorSd;
  const postVar = Number.isFinite(v) ? (prior * v) / (prior + v) : prior;
  const postMean = Number.isFinite(v) ? (d * prior) / (prior + v) : 0;
  const sd = Math.sqrt(postVar);
  const z = postMean / sd;
  return {
    control: a.ratio,
    variant: b.ratio,
    difference: d,
    interval,
    chanceToBeat: normalCdf(z),
    // E[max(−D, 0)] for D ~ N(m, s²) = s φ(m/s) − m Φ(−m/s).
    expectedLoss: Math.max(0, sd * normalPdf(z) - postMean * normalCdf(-z)),
  };
}

// --- sample ratio mismatch -----------------------------------------------------------------------

export interface SrmResult {
  chiSquare: number;
  pValue: number;
  /** p < threshold (0.001): the split is not what it should be; results are not to be trusted. */
  mismatch: boolean;
}

/** Chi-square goodness of fit of users per variant against the configured weights. */
export function sampleRatioMismatch(
  observed: readonly number[],
  weights: readonly number[],
  threshold = 0.001,
): SrmResult {
  const total = observed.reduce((s, n) => s + n, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  let chi = 0;
  let cells = 0;
  observed.forEach((o, i) => {
    const expected = (total * weights[i]) / weightSum;
    if (expected <= 0) return;
    cells++;
    chi += (o - expected) ** 2 / expected;
  });
  if (total === 0 || cells < 2) return { chiSquare: 0, pValue: 1, mismatch: false };
  const pValue = chiSquareSf(chi, cells - 1);
  return { chiSquare: chi, pValue, mismatch: pValue < threshold };
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
