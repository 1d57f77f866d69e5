import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the service; one registry per app instance (tests boot several). */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly connections = new Gauge({
    name: 'companion_socket_connections',
    help: 'Open socket.io connections on the /chat namespace',
    registers: [this.registry],
  });

  readonly messages = new Counter({
    name: 'companion_messages_total',
    help: 'Client messages by kind and outcome (stored, duplicate, refused)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly rateLimitTakes = new Counter({
    name: 'companion_rate_limit_takes_total',
    help: 'Messages counted against the per-user limit, by who counted them: pod (this pod alone serves the user), redis (a round trip), memory (no Redis), nobody (Redis unreachable)',
    labelNames: ['counted_by'] as const,
    registers: [this.registry],
  });

  readonly replies = new Counter({
    name: 'companion_replies_total',
    help: 'Replies by final status and error code',
    labelNames: ['status', 'code'] as const,
    registers: [this.registry],
  });

  readonly replyDuration = new Histogram({
    name: 'companion_reply_duration_seconds',
    help: 'Time from the start of a reply to its end',
    labelNames: ['status'] as const,
    buckets: [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120],
    registers: [this.registry],
  });

  readonly timeToFirstToken = new Histogram({
    name: 'companion_reply_ttft_seconds',
    help: 'Time from the user message being stored to the first visible token',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15],
    registers: [this.registry],
  });

  readonly ingestToUpstream = new Histogram({
    name: 'companion_ingest_to_upstream_seconds',
    help: 'Backend time from receiving a message to sending the model request',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'companion_client_errors_total',
    help: 'Error events sent to clients, by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly undeliverable = new Counter({
    name: 'companion_emits_undeliverable_total',
    help: 'Events to clients that had no way out (no socket server here and Redis unreachable)',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly turnStages = new Histogram({
    name: 'companion_turn_stage_seconds',
    help: 'Time of each stage of a turn, and how it went (ok, degraded, failed)',
    labelNames: ['stage', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers: [this.registry],
  });

  readonly turnSweeps = new Counter({
    name: 'companion_turn_sweeps_total',
    help: 'Messages the awaiting-reply sweep picked up (answered again, or given up)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly voiceUploads = new Counter({
    name: 'companion_voice_uploads_total',
    help: 'Finished voice uploads by outcome (stored, duplicate, or the refusal code)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly voiceStage = new Histogram({
    name: 'companion_voice_stage_seconds',
    help: 'Time of each stage of a voice message: decode, transcribe, analyse',
    labelNames: ['stage', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30],
    registers: [this.registry],
  });

  readonly memoryOperations = new Counter({
    name: 'companion_memory_operations_total',
    help: 'Memory extraction operations applied (add, update, supersede, ...) or dropped as invalid',
    labelNames: ['op'] as const,
    registers: [this.registry],
  });

  readonly safetyAssessments = new Counter({
    name: 'companion_safety_assessments_total',
    help: 'User messages read for risk, by the level read',
    labelNames: ['level'] as const,
    registers: [this.registry],
  });

  readonly safetyDuration = new Histogram({
    name: 'companion_safety_assessment_seconds',
    help: 'The safety stage: detector, guard model (within its budget) and state',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly crisisReplies = new Counter({
    name: 'companion_crisis_replies_total',
    help: 'Crisis protocol replies given, by level',
    labelNames: ['level'] as const,
    registers: [this.registry],
  });

  readonly outputWithheld = new Counter({
    name: 'companion_output_withheld_total',
    help: 'Replies whose rest the output check withheld, by category',
    labelNames: ['category'] as const,
    registers: [this.registry],
  });

  readonly memoryForgets = new Counter({
    name: 'companion_memory_forgets_total',
    help: 'Forget requests carried out (last, topic), asked about (unclear), and undone',
    labelNames: ['scope'] as const,
    registers: [this.registry],
  });

  readonly memoryExtractionLag = new Histogram({
    name: 'companion_memory_extraction_lag_seconds',
    help: "Age of a user's oldest turn not yet extracted, each time a batch of theirs runs",
    buckets: [15, 60, 120, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 604_800],
    registers: [this.registry],
  });

  readonly memoryExtractionFailures = new Counter({
    name: 'companion_memory_extraction_failures_total',
    help: 'Memory extraction failures by reason: a batch held (model_unavailable, timeout, request_rejected, invalid_answer), split (batch_split), an operation dropped (invalid_operation), a turn skipped (skipped_turn)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly embeddingRequests = new Counter({
    name: 'companion_embedding_requests_total',
    help: 'Requests to the embeddings endpoint by purpose (query, turns, memories) and outcome',
    labelNames: ['purpose', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly recallDuration = new Histogram({
    name: 'companion_recall_seconds',
    help: 'Recall of memories and past turns for a reply (read + rank)',
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly llmInFlight = new Gauge({
    name: 'companion_llm_requests_in_flight',
    help: 'Model requests running on this pod',
    registers: [this.registry],
  });

  readonly llmWaiting = new Gauge({
    name: 'companion_llm_requests_waiting',
    help: 'Model requests waiting for a slot on this pod',
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: 'companion_queue_depth',
    help: 'Background jobs waiting, delayed or running',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  private readonly collectors: Array<() => Promise<void> | void> = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'companion_' });
  }

  /** Gauges read from their source at scrape time (queue depth, gate occupancy). */
  onScrape(collect: () => Promise<void> | void): void {
    this.collectors.push(collect);
  }

  async scrape(): Promise<string> {
    await Promise.allSettled(this.collectors.map(async (c) => c()));
    return this.registry.metrics();
  }
}
