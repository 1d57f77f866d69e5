/** Why a generation did not complete; each maps to a protocol error code. */
export type LlmFailure =
  | 'busy' // the endpoint is saturated (429/503, or this pod's waiting room is full)
  | 'timeout' // no first token in time, or the whole reply took too long
  | 'upstream' // the endpoint answered with an error or the connection broke
  | 'cancelled'; // the caller aborted

export class LlmError extends Error {
  constructor(
    readonly failure: LlmFailure,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; afterFirstToken?: boolean } = {},
  ) {
    super(message);
    this.name = 'LlmError';
  }
}
