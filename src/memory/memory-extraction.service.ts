import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { StoredReading } from '../affect/affect.repository.js';
import { AffectService } from '../affect/affect.service.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { ModelCompletions } from '../llm/model-completions.js';
import { Metrics } from '../observability/metrics.js';
import { TemplateStore } from '../prompting/template-store.js';
import {
  MEMORY_OPERATIONS_JSON_SCHEMA,
  parseOperations,
  type MemoryOperation,
} from './extraction-schema.js';
import { EMBEDDINGS, type EmbeddingClient } from './embeddings/embedding-client.js';
import { encodeVector } from './embeddings/vector.js';
import type { Memory, NewMemory } from './memory.repository.js';
import { MemoryRepository } from './memory.repository.js';
import { looksSensitive, NEAR_DUPLICATE, termOverlap, textLanguage } from './memory-text.js';
import { dayOf } from './recall/calendar.js';
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

const DAY_MS = 86_400_000;

/** Memories shown to the model with each batch: the core profile and the most related others. */
const SHOWN_MEMORIES = 40;
/** Batches per job run; the rest waits for the next run. */
const MAX_BATCHES = 10;

/**
 * Extraction, away from the user's turn: a job per user collects the turns since the last run
 * (batched: it runs MEMORY_EXTRACTION_DELAY_MS after new turns), shows the model those turns and
 * the related memories it already holds, and applies the add / update / supersede operations it
 * answers with structured output. An answer that does not validate is asked again once, then
 * dropped with a log: nothing is ever stored half. Applying a batch and moving the user's cursor
 * past it is one transaction.
 */
@Injectable()
export class MemoryExtractionService {
  private readonly logger = new Logger(MemoryExtractionService.name);

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

  /** Processes the user's new turns; returns how many operations were applied. */
  async extract(userId: string): Promise<{ batches: number; applied: number; dropped: number }> {
    const result = { batches: 0, applied: 0, dropped: 0 };
    for (let i = 0; i < MAX_BATCHES; i++) {
      const turns = await this.newTurns(userId);
      if (turns.length === 0) break;
      result.batches++;
      await this.embedTurns(userId, turns);
      const current = await this.memories.current(userId, 500);
      const shown = relatedMemories(current, turns);
      const refs = {
        memories: new Map(shown.map((m, k) => [`m${k + 1}`, m])),
        turns: new Map(turns.map((t, k) => [`t${k + 1}`, t])),
      };
      const operations = await this.ask(userId, refs);
      // The cursor is the last turn's own timestamp as Postgres wrote it: a JS Date would drop
      // its microseconds and the same turn would be read again.
      const last = turns.at(-1)!;
      const cursor = { at: last.atText, id: last.id };
      if (!operations) {
        result.dropped++;
        this.metrics.memoryOperations.inc({ op: 'dropped_batch' });
        await this.memories.moveCursor(userId, cursor);
        continue;
      }
      result.applied += await this.apply(userId, operations, refs, current, cursor);
    }
    if (result.batches > 0) this.logger.log({ userId, ...result }, 'memory extraction done');
    return result;
  }

  private async ask(
    userId: string,
    refs: { memories: Map<string, Memory>; turns: Map<string, Turn> },
  ): Promise<MemoryOperation[] | null> {
    const prompt = this.prompts.render('extract', {
      userName: 'the user',
      companionName: this.config.prompt.companionName,
      today: new Date().toISOString().slice(0, 10),
      memories: [...refs.memories].map(([ref, m]) => ({
        ref,
        kind: m.kind,
        text: m.text,
        about: m.eventFrom ? m.eventFrom.toISOString().slice(0, 10) : null,
      })),
      turns: [...refs.turns].map(([ref, t]) => ({
        ref,
        date: t.createdAt.toISOString().slice(0, 10),
        speaker: t.role === 'user' ? 'User' : this.config.prompt.companionName,
        feeling: t.role === 'user' ? describeFeeling(t.affect) : null,
        text: t.content.replace(/\s+/g, ' '),
      })),
    });
    const known = { memories: new Set(refs.memories.keys()), turns: new Set(refs.turns.keys()) };
    let lastError = '';
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const answer = await this.model.json(
          [{ role: 'user', content: prompt }],
          {
            name: 'memory_operations',
            schema: MEMORY_OPERATIONS_JSON_SCHEMA,
          },
          2000,
        );
        const parsed = parseOperations(answer, known);
        if (parsed.ok) return parsed.operations;
        lastError = parsed.error;
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
      }
      this.logger.warn({ userId, attempt, error: lastError }, 'memory extraction answer rejected');
    }
    this.logger.warn(
      { userId, turns: refs.turns.size, error: lastError },
      'memory extraction batch dropped after a retry',
    );
    return null;
  }

  /** Applies the operations and moves the cursor, in one transaction. */
  private async apply(
    userId: string,
    operations: MemoryOperation[],
    refs: { memories: Map<string, Memory>; turns: Map<string, Turn> },
    current: Memory[],
    cursor: { at: string; id: string },
  ): Promise<number> {
    let applied = 0;
    const written = operations.filter((op) => op.op !== 'noop');
    const vectors = await this.embedTexts(
      userId,
      written.map((op) => op.text.trim()),
      'memories',
    );
    await this.memories.transaction(async (tx) => {
      for (const [k, op] of written.entries()) {
        const memory = this.toMemory(op, refs.turns);
        if (vectors) memory.embedding = { bytes: vectors[k], model: this.embeddings!.model };
        if (op.op === 'add') {
          // The same fact in other words is the memory already held; it only gains a source.
          const twin = current.find((m) => termOverlap(m.text, memory.text) >= NEAR_DUPLICATE);
          if (twin) await this.memories.addSources(userId, twin.id, memory.sourceMessageIds, tx);
          else await this.memories.add(userId, memory, tx);
        } else {
          const target = refs.memories.get(op.target!)!;
          await this.memories.supersede(userId, target.id, memory, tx);
        }
        this.metrics.memoryOperations.inc({ op: op.op });
        applied++;
      }
      await this.memories.moveCursor(userId, cursor, tx);
    });
    return applied;
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

  private toMemory(op: MemoryOperation, turns: Map<string, Turn>): NewMemory {
    const sources = op.sources.map((ref) => turns.get(ref)!);
    const said = sources.reduce(
      (latest, t) => (t.createdAt > latest ? t.createdAt : latest),
      sources[0].createdAt,
    );
    const span = op.about ? resolveAbout(op.about, said) : null;
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

/** "next Tuesday" or "2024-05-14", said on `said`: the days it names (UTC), or null. */
export function resolveAbout(about: string, said: Date): { from: Date; to: Date } | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(about.trim());
  if (iso) {
    const day = new Date(Date.UTC(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3])));
    return Number.isNaN(day.getTime())
      ? null
      : { from: day, to: new Date(day.getTime() + 86_399_999) };
  }
  const mention = resolveDates(about, dayOf(said, 'UTC'))[0];
  if (!mention) return null;
  return {
    from: new Date(mention.span.from * DAY_MS),
    to: new Date((mention.span.to + 1) * DAY_MS - 1),
  };
}
