/**
 * Mono WAV (canonical 44-byte header) from float samples in [-1, 1]. 16-bit PCM by default, the
 * format every transcription server accepts: scaled by 32768, as decoders read it back, and
 * clipped beyond full scale. 'float32' keeps the samples exactly (IEEE float WAV).
 */
export function encodeWav(
  samples: Float32Array,
  sampleRate: number,
  encoding: 'pcm16' | 'float32' = 'pcm16',
): Buffer {
  const bytesPerSample = encoding === 'pcm16' ? 2 : 4;
  const dataBytes = samples.length * bytesPerSample;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'latin1');
  wav.write('fmt ', 12, 'latin1');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(encoding === 'pcm16' ? 1 : 3, 20); // PCM or IEEE float
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * bytesPerSample, 28); // bytes per second
  wav.writeUInt16LE(bytesPerSample, 32); // bytes per frame
  wav.writeUInt16LE(8 * bytesPerSample, 34); // bits per sample
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) {
    if (encoding === 'float32') {
      wav.writeFloatLE(samples[i], 44 + 4 * i);
    } else {
      const value = Number.isFinite(samples[i]) ? Math.round(samples[i] * 32768) : 0;
      wav.writeInt16LE(Math.max(-32768, Math.min(32767, value)), 44 + 2 * i);
    }
  }
  return wav;
}
