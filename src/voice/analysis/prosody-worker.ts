/**
 * A worker thread that runs prosody analysis off the event loop: analysing a minute of speech
 * takes a few hundred milliseconds of CPU, which on the main thread would stall every socket.
 */
import { parentPort } from 'node:worker_threads';
import { measureSpectralTilt } from '../../affect/spectral-tilt.js';
import { analyzeProsody, type WordTiming } from '../prosody/index.js';

export interface AnalysisJob {
  id: number;
  samples: Float32Array;
  sampleRate: number;
  words?: WordTiming[];
}

parentPort?.on('message', (job: AnalysisJob) => {
  try {
    const features = analyzeProsody(job.samples, job.sampleRate, { words: job.words });
    const spectral = measureSpectralTilt(job.samples, job.sampleRate);
    parentPort?.postMessage({ id: job.id, result: { features, spectral } });
  } catch (e) {
    parentPort?.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) });
  }
});
