import { ConcurrencyGate } from '../common/concurrency-gate.js';

export { GateFullError } from '../common/concurrency-gate.js';

/**
 * Bounds the requests this pod has open against the model endpoint (LLM_MAX_CONCURRENT running,
 * LLM_MAX_WAITING in line); the turn's admit stage takes a place here before any other work.
 */
export class LlmGate extends ConcurrencyGate {
  constructor(maxConcurrent: number, maxWaiting: number) {
    super(maxConcurrent, maxWaiting, 'model requests');
  }
}
