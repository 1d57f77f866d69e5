import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { StoredReading } from '../affect/affect.repository.js';
import { AffectService } from '../affect/affect.service.js';
import { validTimeZone } from '../common/time-zone.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { ModelCompletions } from '../llm/model-completions.js';
import { Metrics } from '../observability/metrics.js';
import { TemplateStore } from '../prompting/template-store.js';
import {
  MEMORY_OPERATIONS_JSON_SCHEMA,
  parseOperations,
  type DroppedOperation,
  type MemoryOperation,
} from './extraction-schema.js';
import { EMBEDDINGS, type EmbeddingClient } from './embeddings/embedding-client.js';
import { encodeVector } from './embeddings/vector.js';
import type { Memory, NewMemory } from './memory.repository.js';
import { MemoryRepository } from './memory.repository.js';
import { looksSensitive, NEAR_DUPLICATE, termOverlap, textLanguage } from './memory-text.js';
import { dayOf, dayStart, isoDay } from './recall/calendar.js';
import { resolveDates } from './recall/date-resolver.js';
import { affectStrength } from './recall/signals.js';

export const MEMORY_MODEL = Symbol('MEMORY_MODEL');
export const MEMORY_PROMPTS = Symbol('MEMORY_PROMPTS');

interface Turn {
  id: string;
  /** The turn's time as Postgres text (microseconds kept), for the cursor. */
  atText: string;
  role: 'user' | 'assistant';
  content: string;
  createdAt: Date;
  /** How the user seemed in this turn (turn_affects: words, and voice for voice messages). */
  affect: MeasuredAffect | null;
}

interface MeasuredAffect {
  valence: number;
  arousal: number;
  label: string;
  confidence: number;
  voice: boolean;
  incongruent: boolean;
}

/** Measured feelings below this confidence are not shown to the model nor stored. */
const FEELING_MIN_CONFIDENCE = 0.35;

/** Memories shown to the model with each batch: the core profile and the most related others. */
const SHOWN_MEMORIES = 40;
/** Batches per job run; the rest waits for the next run. */
const MAX_BATCHES = 10;

/** Runs in which the model rejects a batch before the batch is split in halves. */
export const SPLIT_AFTER = 3;
/** Runs in which the model rejects a turn on its own before that turn is skipped. */
export const SKIP_AFTER = 3;
/** Users whose rejected batch this process remembers; past it the oldest is forgotten. */
const MAX_REMEMBERED_REJECTIONS = 10_000;

/**
 * A plain turn any working model reads: asked before a turn is skipped, so that a model that
 * reads nothing (a broken deployment) holds every turn instead of skipping them one by one.
 */
const CANARY: Turn = {
  id: 'canary',
  atText: '',
  role: 'user',
  content: 'I had tea with my sister this afternoon.',
  createdAt: new Date(0),
  affect: null,
};

/** Why a batch got no usable answer (the label of companion_memory_extraction_failures_total). */
export type HoldReason = 'model_unavailable' | 'timeout' | 'request_rejected' | 'invalid_answer';

/**
 * The model answered, and what it answered cannot be used (or it refused the request itself):
 * that says something about the batch. The other reasons say something about the endpoint.
 */
const AGAINST_THE_BATCH: ReadonlySet<HoldReason> = new Set(['request_rejected', 'invalid_answer']);

/** HTTP statuses that refuse this request (too long, malformed) rather than any request. */
const REJECTING_STATUSES = new Set([400, 413, 422]);

type Answer =
  | { ok: true; operations: MemoryOperation[]; dropped: DroppedOperation[] }
  | { ok: false; reason: HoldReason; detail: string };

interface Refs {
  memories: Map<string, Memory>;
  turns: Map<string, Turn>;
}

/** A batch the model rejected, remembered (in this process) until the cursor is past it. */
interface Rejection {
  /** The turns of the batches rejected. */
  turns: Set<string>;
  /** Runs in which a batch starting with the first of them was rejected. */
  strikes: number;
  /** The turn the model rejects even on its own, and in how many runs. */
  alone: { id: string; strikes: number } | null;
}

export interface ExtractionResult {
  /** Batches read (each ends in operations applied, a turn skipped, or a hold). */
  batches: number;
  /** Operations applied. */
  applied: number;
  /** Invalid operations left out (the valid ones of the same answer are applied). */
  dropped: number;
  /** Turns skipped because the model could not read them (logged at error level). */
  skipped: number;
}

/**
 * A batch got no usable answer: the user's cursor stays before it and the job fails, so that
 * the queue retries it with backoff. The message names ids and reasons only.
 */
export class ExtractionHeldError extends Error {
  constructor(
    readonly userId: string,
    readonly messageId: string,
    readonly reason: HoldReason,
    detail: string,
  ) {
    super(`memory extraction of ${userId} held at message ${messageId}: ${reason} (${detail})`);
    this.name = 'ExtractionHeldError';
  }
}

/**
 * Extraction, away from the user's turn: a job per user collects the turns since the last run
 * (batched: it runs MEMORY_EXTRACTION_DELAY_MS after new turns), shows the model those turns and
 * the related memories it already holds, and applies the add / update / supersede operations it
 * answers with structured output. Applying a batch and moving the user's cursor past it is one
 * transaction; an invalid operation is left out (logged, counted) and the valid ones applied.
 *
 * A batch without a usable answer is never passed: the run stops there and throws
 * ExtractionHeldError (the queue retries the job with backoff, from the same cursor). When the
 * endpoint is down, slow or failing, that is all. When the model answers and the answer cannot
 * be used (or it refuses the request), the batch gets a strike; after SPLIT_AFTER strikes it is
 * asked in halves, front first, down to its first turn alone, and whatever front part gets a
 * usable answer is applied. A turn rejected alone in SKIP_AFTER runs is skipped, with an error
 * log and `skipped_turn`, only if the model reads the plain CANARY turn: otherwise the model is
 * what is broken, and the turn is held. See docs/memory.md.
 */
@Injectable()
export class MemoryExtractionService {
  private readonly logger = new Logger(MemoryExtractionService.name);
  private readonly rejections = new Map<string, Rejection>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MEMORY_MODEL) private readonly model: ModelCompletions,
    @Inject(MEMORY_PROMPTS) private readonly prompts: TemplateStore,
    private readonly messages: MessageRepository,
    private readonly memories: MemoryRepository,
    @Inject(AffectService)
    private readonly affect: Pick<AffectService, 'readings'>,
    private readonly metrics: Metrics,
    @Optional()
    @Inject(EMBEDDINGS)
    private readonly embeddings: EmbeddingClient | null = null,
  ) {}

  /**
   * Processes the user's new turns. Throws ExtractionHeldError at a batch that got no usable
   * answer, after applying the batches before it. Dates (today, each turn's, what a memory is
   * about) are days of the user's time zone, or of DEFAULT_TIME_ZONE when the app never sent one.
   */
  async extract(userId: string): Promise<ExtractionResult> {
    const result: ExtractionResult = { batches: 0, applied: 0, dropped: 0, skipped: 0 };
    let held = false;
    try {
      let timeZone: string | undefined;
      for (let i = 0; i < MAX_BATCHES; i++) {
        const turns = await this.newTurns(userId);
        if (turns.length === 0) break;
        timeZone ??=
          validTimeZone(await this.messages.timeZoneOf(userId)) ?? this.config.defaultTimeZone;
        result.batches++;
        this.metrics.memoryExtractionLag.observe(
          Math.max(0, Date.now() - turns[0].createdAt.getTime()) / 1000,
        );
        await this.extractBatch(userId, timeZone, turns, result);
      }
    } catch (e) {
      held = e instanceof ExtractionHeldError;
      throw e;
    } finally {
      if (result.batches > 0)
        this.logger.log({ userId, ...result, held }, 'memory extraction done');
    }
    return result;
  }

  /** Moves the cursor past the front of `turns` (some or all of them), or throws a hold. */
  private async extractBatch(
    userId: string,
    timeZone: string,
    turns: Turn[],
    result: ExtractionResult,
  ) {
    const current = await this.memories.current(userId, 500);
    let rejection = this.rejections.get(userId);
    if (rejection && !rejection.turns.has(turns[0].id)) {
      // The cursor is past the turns that were rejected.
      this.rejections.delete(userId);
      rejection = undefined;
    }
    if (!rejection || rejection.strikes < SPLIT_AFTER) {
      const { answer, refs } = await this.ask(turns, current, timeZone);
      if (answer.ok) {
        this.rejections.delete(userId);
        return this.apply(userId, timeZone, turns, answer, refs, current, result);
      }
      if (!AGAINST_THE_BATCH.has(answer.reason)) throw this.hold(userId, turns, answer);
      rejection = this.strike(userId, turns);
      if (rejection.strikes < SPLIT_AFTER) throw this.hold(userId, turns, answer);
    }
    // Split: the front half, then the front quarter..., down to the first turn alone.
    let size = rejection.alone?.id === turns[0].id ? 1 : Math.ceil(turns.length / 2);
    for (;;) {
      const piece = turns.slice(0, size);
      const { answer, refs } = await this.ask(piece, current, timeZone);
      if (answer.ok) return this.apply(userId, timeZone, piece, answer, refs, current, result);
      if (!AGAINST_THE_BATCH.has(answer.reason)) throw this.hold(userId, piece, answer);
      if (size === 1) {
        return this.rejectedAlone(userId, timeZone, rejection, turns[0], answer, result);
      }
      size = Math.ceil(size / 2);
    }
  }

  /** The first turn after the cursor was rejected on its own: held, or skipped (see SKIP_AFTER). */
  private async rejectedAlone(
    userId: string,
    timeZone: string,
    rejection: Rejection,
    turn: Turn,
    answer: Extract<Answer, { ok: false }>,
    result: ExtractionResult,
  ): Promise<void> {
    if (rejection.alone?.id !== turn.id) rejection.alone = { id: turn.id, strikes: 0 };
    const alone = rejection.alone;
    alone.strikes++;
    if (alone.strikes < SKIP_AFTER) throw this.hold(userId, [turn], answer);
    const canary = (await this.ask([CANARY], [], timeZone)).answer;
    if (!canary.ok) {
      if (!AGAINST_THE_BATCH.has(canary.reason)) throw this.hold(userId, [turn], canary);
      this.logger.error(
        { userId, messageId: turn.id, canary: canary.reason, detail: canary.detail },
        'the memory model rejects a plain turn too: the turn is held, not skipped',
      );
      throw this.hold(userId, [turn], answer);
    }
    await this.embedTurns(userId, [turn]);
    await this.memories.moveCursor(userId, { at: turn.atText, id: turn.id });
    this.rejections.delete(userId);
    result.skipped++;
    this.metrics.memoryExtractionFailures.inc({ reason: 'skipped_turn' });
    this.logger.error(
      {
        userId,
        messageId: turn.id,
        role: turn.role,
        saidAt: turn.createdAt.toISOString(),
        reason: answer.reason,
        detail: answer.detail,
        runs: alone.strikes,
      },
      'memory extraction skipped a turn the model cannot read; nothing is remembered from it',
    );
  }

  /** A run in which the model rejected the batch starting at turns[0]. */
  private strike(userId: string, turns: Turn[]): Rejection {
    let rejection = this.rejections.get(userId);
    if (!rejection) {
      if (this.rejections.size >= MAX_REMEMBERED_REJECTIONS) {
        const oldest = this.rejections.keys().next();
        if (!oldest.done) this.rejections.delete(oldest.value);
      }
      rejection = { turns: new Set(), strikes: 0, alone: null };
      this.rejections.set(userId, rejection);
    }
    for (const t of turns) rejection.turns.add(t.id);
    rejection.strikes++;
    if (rejection.strikes === SPLIT_AFTER) {
      this.metrics.memoryExtractionFailures.inc({ reason: 'batch_split' });
      this.logger.warn(
        { userId, messageId: turns[0].id, turns: turns.length, runs: rejection.strikes },
        'memory extraction batch rejected again: asking for it in halves',
      );
    }
    return rejection;
  }

  private hold(
    userId: string,
    turns: Turn[],
    answer: Extract<Answer, { ok: false }>,
  ): ExtractionHeldError {
    const rejection = this.rejections.get(userId);
    this.logger.warn(
      {
        userId,
        messageId: turns[0].id,
        turns: turns.length,
        reason: answer.reason,
        detail: answer.detail,
        strikes: rejection?.strikes ?? 0,
        aloneStrikes: rejection?.alone?.strikes ?? 0,
      },
      'memory extraction batch held: the cursor stays before it and the job is retried',
    );
    return new ExtractionHeldError(userId, turns[0].id, answer.reason, answer.detail);
  }

  /**
   * One request for these turns; a failure is counted and described (never with text). The
   * prompt's dates are the user's calendar days in `timeZone`.
   */
  private async ask(
    turns: Turn[],
    current: Memory[],
    timeZone: string,
  ): Promise<{ answer: Answer; refs: Refs }> {
    const shown = relatedMemories(current, turns);
    const date = (at: Date) => isoDay(dayOf(at, timeZone));
    const now = new Date();
    const refs: Refs = {
      memories: new Map(shown.map((m, k) => [`m${k + 1}`, m])),
      turns: new Map(turns.map((t, k) => [`t${k + 1}`, t])),
    };
    const prompt = this.prompts.render('extract', {
      userName: 'the user',
      companionName: this.config.prompt.companionName,
      today: date(now),
      memories: [...refs.memories].map(([ref, m]) => ({
        ref,
        kind: m.kind,
        text: m.text,
        about: m.eventFrom ? date(m.eventFrom) : null,
      })),
      turns: [...refs.turns].map(([ref, t]) => ({
        ref,
        date: date(t === CANARY ? now : t.createdAt),
        speaker: t.role === 'user' ? 'User' : this.config.prompt.companionName,
        feeling: t.role === 'user' ? describeFeeling(t.affect) : null,
        text: t.content.replace(/\s+/g, ' '),
      })),
    });
    const known = { memories: new Set(refs.memories.keys()), turns: new Set(refs.turns.keys()) };
    let answer: Answer;
    try {
      const raw = await this.model.json(
        [{ role: 'user', content: prompt }],
        { name: 'memory_operations', schema: MEMORY_OPERATIONS_JSON_SCHEMA },
        2000,
      );
      const parsed = parseOperations(raw, known);
      answer = parsed.ok
        ? { ok: true, operations: parsed.operations, dropped: parsed.dropped }
        : { ok: false, reason: 'invalid_answer', detail: parsed.error };
    } catch (e) {
      answer = { ok: false, ...failureOf(e) };
    }
    if (!answer.ok) this.metrics.memoryExtractionFailures.inc({ reason: answer.reason });
    return { answer, refs };
  }

  /** Applies the valid operations and moves the cursor past `turns`, in one transaction. */
  private async apply(
    userId: string,
    timeZone: string,
    turns: Turn[],
    answer: Extract<Answer, { ok: true }>,
    refs: Refs,
    current: Memory[],
    result: ExtractionResult,
  ): Promise<void> {
    const drop = (d: DroppedOperation) => {
      result.dropped++;
      this.metrics.memoryExtractionFailures.inc({ reason: 'invalid_operation' });
      this.logger.warn(
        {
          userId,
          operation: d.index,
          op: d.op,
          target: d.target ? (refs.memories.get(d.target)?.id ?? d.target) : null,
          sources: d.sources.map((ref) => refs.turns.get(ref)?.id ?? ref),
          reason: d.reason,
        },
        'memory operation dropped; the others of the answer are applied',
      );
    };
    answer.dropped.forEach(drop);

    const written: Array<{ op: MemoryOperation; index: number; memory: NewMemory }> = [];
    for (const [index, op] of answer.operations.entries()) {
      if (op.op === 'noop') continue;
      try {
        written.push({ op, index, memory: this.toMemory(op, refs.turns, timeZone) });
      } catch (e) {
        const reason = `unreadable: ${e instanceof Error ? e.name : 'error'}`;
        drop({ index, op: op.op, target: op.target, sources: op.sources, reason });
      }
    }
    await this.embedTurns(userId, turns);
    const vectors = await this.embedTexts(
      userId,
      written.map((w) => w.memory.text),
      'memories',
    );
    // The cursor is the last turn's own timestamp as Postgres wrote it: a JS Date would drop
    // its microseconds and the same turn would be read again.
    const last = turns.at(-1)!;
    const applied = await this.memories.transaction(async (tx) => {
      let count = 0;
      for (const [k, { op, index, memory }] of written.entries()) {
        if (vectors) memory.embedding = { bytes: vectors[k], model: this.embeddings!.model };
        if (op.op === 'add') {
          // The same fact in other words is the memory already held; it only gains a source.
          const twin = current.find((m) => termOverlap(m.text, memory.text) >= NEAR_DUPLICATE);
          if (twin) await this.memories.addSources(userId, twin.id, memory.sourceMessageIds, tx);
          else await this.memories.add(userId, memory, tx);
        } else {
          const target = refs.memories.get(op.target!)!;
          if (!(await this.memories.supersede(userId, target.id, memory, tx))) {
            // An earlier operation of the same answer replaced it already.
            drop({
              index,
              op: op.op,
              target: op.target,
              sources: op.sources,
              reason: 'target no longer current',
            });
            continue;
          }
        }
        this.metrics.memoryOperations.inc({ op: op.op });
        count++;
      }
      await this.memories.moveCursor(userId, { at: last.atText, id: last.id }, tx);
      return count;
    });
    result.applied += applied;
  }

  /**
   * Stores the embeddings of the batch's turns for semantic recall (when an endpoint is
   * configured). A failure is logged and the batch goes on: recall still has the words.
   */
  private async embedTurns(userId: string, turns: Turn[]): Promise<void> {
    const vectors = await this.embedTexts(
      userId,
      turns.map((t) => t.content),
      'turns',
    );
    if (!vectors) return;
    await this.messages.saveEmbeddings(
      userId,
      turns.map((t) => t.id),
      vectors,
      this.embeddings!.model,
    );
  }

  /** Stored-form vectors of the texts, or null without an endpoint or when it failed. */
  async embedTexts(
    userId: string,
    texts: string[],
    purpose: 'turns' | 'memories',
  ): Promise<Buffer[] | null> {
    if (!this.embeddings || texts.length === 0) return null;
    try {
      return (await this.embeddings.embedMany(texts, purpose)).map(encodeVector);
    } catch (e) {
      this.logger.warn(
        { userId, purpose, count: texts.length, err: e instanceof Error ? e.message : String(e) },
        'embeddings unavailable; stored without them',
      );
      return null;
    }
  }

  private toMemory(op: MemoryOperation, turns: Map<string, Turn>, timeZone: string): NewMemory {
    const sources = op.sources.map((ref) => turns.get(ref)!);
    const said = sources.reduce(
      (latest, t) => (t.createdAt > latest ? t.createdAt : latest),
      sources[0].createdAt,
    );
    const span = op.about ? resolveAbout(op.about, said, timeZone) : null;
    // How the user felt, as measured in the source turns (words and voice), wins over the
    // model's reading of the text for episodes, and fills in when the model gave none.
    const measured = measuredFeeling(sources);
    const useMeasured = measured && (op.kind === 'episode' || op.valence === null);
    return {
      kind: op.kind,
      text: op.text.trim(),
      language: textLanguage(op.text),
      importance: op.importance,
      emotionalIntensity: measured
        ? Math.max(op.emotional_intensity, measured.intensity)
        : op.emotional_intensity,
      valence: useMeasured ? measured.valence : op.valence,
      arousal: useMeasured ? measured.arousal : op.arousal,
      sensitive: op.sensitive || looksSensitive(op.text),
      core: op.core,
      eventFrom: span?.from ?? null,
      eventTo: span?.to ?? null,
      // A plan is no longer current a day after it was due; what happened is kept as it is.
      validUntil: op.kind === 'plan' && span ? new Date(span.to.getTime() + 2 * 86_400_000) : null,
      sourceMessageIds: [...new Set(sources.map((t) => t.id))],
      origin: 'extraction',
    };
  }

  /** Whether the user has turns after the cursor that a run would read. */
  async hasNewTurns(userId: string): Promise<boolean> {
    const cursor = await this.memories.cursor(userId);
    return (await this.messages.turnsAfter(userId, cursor, 1)).length > 0;
  }

  /** The user's turns after the cursor, with how the user seemed in each of their own. */
  private async newTurns(userId: string): Promise<Turn[]> {
    const cursor = await this.memories.cursor(userId);
    const rows = await this.messages.turnsAfter(userId, cursor, this.config.memory.batchMessages);
    const mine = rows.filter((r) => r.role === 'user').map((r) => r.id);
    const readings = new Map(
      (await this.affect.readings(userId, mine)).map((r) => [r.messageId, r]),
    );
    return rows.map((r) => ({
      id: r.id,
      atText: r.atText,
      role: r.role,
      content: r.content,
      createdAt: r.createdAt,
      affect: r.role === 'user' ? measured(readings.get(r.id), r.kind === 'voice') : null,
    }));
  }
}

/** What a failed request says, for the logs and the metric: a reason and a detail without text. */
export function failureOf(e: unknown): { reason: HoldReason; detail: string } {
  // The timeout is a connection error too: it goes first.
  if (e instanceof APIConnectionTimeoutError)
    return { reason: 'timeout', detail: 'no answer in time' };
  if (e instanceof APIConnectionError)
    return { reason: 'model_unavailable', detail: 'no connection' };
  if (e instanceof APIError && typeof e.status === 'number') {
    // Only the status: an error body may quote the request.
    const detail = `HTTP ${e.status}`;
    if (e.status === 408 || e.status === 504) return { reason: 'timeout', detail };
    if (REJECTING_STATUSES.has(e.status)) return { reason: 'request_rejected', detail };
    return { reason: 'model_unavailable', detail };
  }
  return { reason: 'model_unavailable', detail: e instanceof Error ? e.name : 'unknown error' };
}

function measured(reading: StoredReading | undefined, voice: boolean): MeasuredAffect | null {
  if (!reading || reading.confidence < FEELING_MIN_CONFIDENCE) return null;
  return {
    valence: reading.valence,
    arousal: reading.arousal,
    label: reading.label,
    confidence: reading.confidence,
    voice,
    incongruent: reading.incongruence !== null,
  };
}

/** How a turn's measured feeling is shown to the extraction model, or null when there is none. */
export function describeFeeling(affect: MeasuredAffect | null): string | null {
  if (!affect || affect.label === 'neutral') return null;
  const how = affect.voice ? 'words and voice' : 'words';
  return `${affect.label} (from ${how}${affect.incongruent ? '; words and voice disagree' : ''})`;
}

/**
 * The confidence-weighted mean feeling of the source turns that have one, and its intensity
 * (distance from neutral times the mean confidence); null when no source has a measured feeling.
 */
export function measuredFeeling(
  sources: ReadonlyArray<{ affect: MeasuredAffect | null }>,
): { valence: number; arousal: number; intensity: number } | null {
  const felt = sources.flatMap((s) => (s.affect ? [s.affect] : []));
  const weight = felt.reduce((w, a) => w + a.confidence, 0);
  if (weight === 0) return null;
  const valence = felt.reduce((v, a) => v + a.valence * a.confidence, 0) / weight;
  const arousal = felt.reduce((v, a) => v + a.arousal * a.confidence, 0) / weight;
  const strength = affectStrength({ valence, arousal });
  return { valence, arousal, intensity: Math.min(1, strength * (weight / felt.length)) };
}

/** The memories the model is shown: core ones first, then those sharing the most words with the turns. */
export function relatedMemories(
  current: readonly Memory[],
  turns: readonly Turn[],
  limit = SHOWN_MEMORIES,
): Memory[] {
  const text = turns.map((t) => t.content).join('\n');
  return [...current]
    .map((m) => ({
      m,
      score: (m.core ? 1 : 0) + termOverlap(m.text, text) * 10 + m.importance * 0.1,
    }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((x) => x.m);
}

/**
 * "next Tuesday", "昨天" or "2024-05-14", said at `said` by a user living in `timeZone`: from the
 * start of the first local day it names to the last millisecond of the last one; null when it
 * names no day. "yesterday" said at 00:30 in Shanghai is the whole Shanghai day before.
 */
export function resolveAbout(
  about: string,
  said: Date,
  timeZone: string,
): { from: Date; to: Date } | null {
  const mention = resolveDates(about.trim(), dayOf(said, timeZone))[0];
  if (!mention) return null;
  return {
    from: dayStart(mention.span.from, timeZone),
    to: new Date(dayStart(mention.span.to + 1, timeZone).getTime() - 1),
  };
}
