/**
 * In-place iterative radix-2 complex FFT over split real/imaginary Float64Arrays. Twiddle and
 * bit-reversal tables are built once per size and cached, so a transform allocates nothing.
 */
export interface Fft {
  readonly size: number;
  /** Forward transform, X[k] = sum x[n] e^(-2 pi i k n / N). */
  forward(re: Float64Array, im: Float64Array): void;
  /** Inverse transform including the 1/N scaling. */
  inverse(re: Float64Array, im: Float64Array): void;
}

const cache = new Map<number, Fft>();

export function fftOfSize(size: number): Fft {
  let fft = cache.get(size);
  if (!fft) {
    fft = createFft(size);
    cache.set(size, fft);
  }
  return fft;
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function createFft(size: number): Fft {
  if (size < 2 || (size & (size - 1)) !== 0) {
    throw new RangeError(`FFT size must be a power of two >= 2, got ${size}`);
  }
  const cos = new Float64Array(size / 2);
  const sin = new Float64Array(size / 2);
  for (let k = 0; k < size / 2; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / size);
    sin[k] = Math.sin((2 * Math.PI * k) / size);
  }
  const reversed = bitReversalTable(size);

  const transform = (re: Float64Array, im: Float64Array, sign: 1 | -1): void => {
    for (let i = 0; i < size; i++) {
      const j = reversed[i];
      if (j > i) {
        let t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    for (let half = 1; half < size; half *= 2) {
      const stride = size / (2 * half);
      for (let k = 0; k < half; k++) {
        const wr = cos[k * stride];
        const wi = sign * sin[k * stride];
        for (let a = k; a < size; a += 2 * half) {
          const b = a + half;
          const xr = re[b] * wr + im[b] * wi;
          const xi = im[b] * wr - re[b] * wi;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  };

  return {
    size,
    forward: (re, im) => transform(re, im, 1),
    inverse: (re, im) => {
      transform(re, im, -1);
      const scale = 1 / size;
      for (let i = 0; i < size; i++) {
        re[i] *= scale;
        im[i] *= scale;
      }
    },
  };
}

function bitReversalTable(size: number): Uint32Array {
  const bits = Math.log2(size);
  const table = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    table[i] = r;
  }
  return table;
}
