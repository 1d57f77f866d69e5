import { describe, expect, it } from '@jest/globals';
import { decodeToPcm } from './decode-to-pcm.js';
import { encodeWav } from './encode-wav.js';
import { sniffAudioFormat } from './sniff-audio-format.js';

describe('encodeWav', () => {
  it('writes a canonical 16-bit mono PCM header', () => {
    const wav = encodeWav(new Float32Array(100), 16000);
    expect(wav.length).toBe(44 + 200);
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(36 + 200);
    expect(wav.toString('latin1', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt16LE(20)).toBe(1); // PCM
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt32LE(24)).toBe(16000);
    expect(wav.readUInt32LE(28)).toBe(32000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString('latin1', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(200);
    expect(sniffAudioFormat(wav)).toEqual({ container: 'wav', codec: 'pcm' });
  });

  it('clips beyond full scale and writes non-numbers as silence', () => {
    const wav = encodeWav(Float32Array.from([2, -2, 1, -1, 0.5, Number.NaN]), 16000);
    const values = [0, 1, 2, 3, 4, 5].map((i) => wav.readInt16LE(44 + 2 * i));
    expect(values).toEqual([32767, -32768, 32767, -32768, 16384, 0]);
  });

  it('keeps float samples exactly in a float WAV', async () => {
    const samples = Float32Array.from([0.1, -0.25, 0.999, -1, 1e-6]);
    const wav = encodeWav(samples, 16000, 'float32');
    expect(wav.readUInt16LE(20)).toBe(3);
    expect(wav.readUInt16LE(34)).toBe(32);
    const decoded = await decodeToPcm(wav, { maxDurationSec: 10, timeoutMs: 10_000 });
    expect(decoded.samples).toEqual(samples);
  });

  it('round-trips through ffmpeg to within 16-bit quantisation', async () => {
    const samples = new Float32Array(16000);
    for (let k = 0; k < samples.length; k++)
      samples[k] = 0.6 * Math.sin((2 * Math.PI * 440 * k) / 16000);
    const decoded = await decodeToPcm(encodeWav(samples, 16000), {
      maxDurationSec: 10,
      timeoutMs: 10_000,
    });
    expect(decoded.samples.length).toBe(samples.length);
    let worst = 0;
    for (let k = 0; k < samples.length; k++) {
      worst = Math.max(worst, Math.abs(decoded.samples[k] - samples[k]));
    }
    expect(worst).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
  });
});
