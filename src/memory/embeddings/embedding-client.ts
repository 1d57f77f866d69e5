import OpenAI from 'openai';
import { abortedBy, createNodeFetch } from '../../common/http-fetch.js';
import type { Metrics } from '../../observability/metrics.js';
import { normalize } from './vector.js';

export interface EmbeddingSettings {
  baseUrl: string;
  apiKey?: string;
  model: string;
  queryTimeoutMs: number;
  batchTimeoutMs: number;
}

/** Nest token of the EmbeddingClient, or null when no endpoint is configured. */
export const EMBEDDINGS = Symbol('EMBEDDINGS');

export type EmbeddingPurpose = 'query' | 'turns' | 'memories';

/** Inputs per request: long batches are split (vLLM batches them again on the GPU). */
const INPUTS_PER_REQUEST = 64;
/** Characters of one input: messages are at most MESSAGE_MAX_CHARS, memories far shorter. */
const MAX_INPUT_CHARS = 8000;

/**
 * The embeddings endpoint through the official client (`POST /embeddings`, as vLLM's
 * OpenAI-compatible server serves it for embedding models such as bge-m3). The client asks for
 * base64 float32 and decodes it; vectors come back L2-normalised. The current message's vector is
 * asked with a short timeout and no retry (the reply does not wait for it); background batches
 * get a longer timeout and one retry.
 */
export class EmbeddingClient {
  private readonly queryClient: OpenAI;
  private readonly batchClient: OpenAI;

  constructor(
    private readonly settings: EmbeddingSettings,
    private readonly metrics?: Metrics,
  ) {
    // The query's vector is asked on every turn: the same transport as the model's stream (the
    // batches share it: one keep-alive pool per endpoint).
    const common = {
      baseURL: settings.baseUrl,
      apiKey: settings.apiKey || 'none',
      fetch: createNodeFetch(),
    };
    this.queryClient = new OpenAI({ ...common, maxRetries: 0, timeout: settings.queryTimeoutMs });
    this.batchClient = new OpenAI({ ...common, maxRetries: 1, timeout: settings.batchTimeoutMs });
  }

  /** The model name stored next to each vector: vectors of another model are never compared. */
  get model(): string {
    return this.settings.model;
  }

  /** The vector of the message a reply answers, or null when the endpoint is slow or failing. */
  embedQuery(text: string): Promise<Float32Array | null> {
    return this.embedNow(text, 'query');
  }

  /**
   * One vector for someone waiting (a reply, a user's correction): the short timeout and no
   * retry; null when the endpoint did not answer in time.
   */
  async embedNow(text: string, purpose: EmbeddingPurpose): Promise<Float32Array | null> {
    if (!text.trim()) return null;
    try {
      const [vector] = await this.request(
        this.queryClient,
        [text],
        purpose,
        this.settings.queryTimeoutMs,
      );
      return vector;
    } catch {
      return null;
    }
  }

  /** Vectors for many texts, in order; throws when the endpoint fails (callers log and go on). */
  async embedMany(texts: readonly string[], purpose: EmbeddingPurpose): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += INPUTS_PER_REQUEST) {
      out.push(
        ...(await this.request(
          this.batchClient,
          texts.slice(i, i + INPUTS_PER_REQUEST),
          purpose,
          // Two attempts and the client's back-off between them.
          this.settings.batchTimeoutMs * 2 + 2000,
        )),
      );
    }
    return out;
  }

  private async request(
    client: OpenAI,
    texts: readonly string[],
    purpose: EmbeddingPurpose,
    deadlineMs: number,
  ): Promise<Float32Array[]> {
    // The client's own timeout is per attempt; this deadline also tells a timeout from a failure.
    const deadline = AbortSignal.timeout(deadlineMs);
    try {
      const response = await client.embeddings.create(
        {
          model: this.settings.model,
          input: texts.map((t) => t.slice(0, MAX_INPUT_CHARS) || ' '),
        },
        { fetchOptions: abortedBy(deadline) },
      );
      const vectors: Float32Array[] = new Array<Float32Array>(texts.length);
      for (const item of response.data) {
        if (item.index >= 0 && item.index < texts.length)
          vectors[item.index] = normalize(item.embedding);
      }
      const dims = vectors[0]?.length ?? 0;
      for (let i = 0; i < texts.length; i++) {
        if (!vectors[i] || vectors[i].length === 0 || vectors[i].length !== dims)
          throw new Error(`embeddings answer is missing or malformed at input ${i}`);
      }
      this.metrics?.embeddingRequests.inc({ purpose, outcome: 'ok' });
      return vectors;
    } catch (e) {
      this.metrics?.embeddingRequests.inc({
        purpose,
        outcome:
          deadline.aborted || e instanceof OpenAI.APIConnectionTimeoutError ? 'timeout' : 'error',
      });
      throw e;
    }
  }
}
