import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ClientEmitter } from '../gateway/client-emitter.js';
import { Metrics } from '../observability/metrics.js';
import { TemplateStore } from '../prompting/template-store.js';
import { crisisResourcesFor } from './crisis-resources.js';
import { GUARD, type GuardCheck } from './guard-check.js';
import { noticeRule, noticesDue, type AgeBand, type NoticeKind } from './notice-policy.js';
import {
  accumulateRisk,
  detectRisk,
  levelRank,
  raisesCare,
  triggersCrisisProtocol,
  type RiskLevel,
  type RiskReading,
} from './risk/index.js';
import { toFlagEvent } from './flag-event.js';
import { type CarriedWrite } from '../database/carried-writes.js';
import {
  SafetyRepository,
  type Flag,
  type NewFlag,
  type TurnSafetyWrite,
} from './safety.repository.js';

export const SAFETY_TEMPLATES = Symbol('SAFETY_TEMPLATES');

const max = (a: RiskLevel, b: RiskLevel): RiskLevel => (levelRank(a) >= levelRank(b) ? a : b);
/** How fast accumulated risk fades: a conversation's in half a day, a user's in three days. */
export const CONVERSATION_HALF_LIFE_MS = 12 * 3_600_000;
export const USER_HALF_LIFE_MS = 3 * 86_400_000;

/** What the safety stage found, as the turn keeps it. */
export interface Assessment {
  level: RiskLevel;
  categories: string[];
  evidence: Array<{ code: string; category: string; weight: number }>;
  guard: { safety: string; categories: string[] } | null;
  conversationLevel: RiskLevel;
  userLevel: RiskLevel;
  crisis: boolean;
  care: boolean;
  minor: boolean;
  lang: 'en' | 'zh';
  notices: Array<{ kind: NoticeKind; text: string }>;
  /**
   * With `carry`: the turn's write of the new state and notices, for the reply's finish to carry
   * (the caller's to deliver). Without it the write has gone out already.
   */
  write?: CarriedWrite;
}

/** The protocol's reply, sentence by sentence, with what the crisis event records. */
export interface ProtocolReply {
  sentences: string[];
  version: string;
  locale: string;
  resources: string[];
}

/** Readings kept for texts read again soon (the screen, then the safety stage). */
const READINGS_KEPT = 256;

/**
 * Safety on every turn (docs/safety.md): reads the user's message for risk (the in-process
 * detector, raised by the optional guard model within its budget), keeps the risk of the
 * conversation and of the user as it builds up and decays, decides the crisis protocol, care mode
 * and minors mode, says which notices are due, writes the protocol's reply, and raises flags
 * for operators.
 */
@Injectable()
export class SafetyService implements OnModuleDestroy {
  private readonly logger = new Logger(SafetyService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SAFETY_TEMPLATES) private readonly templates: TemplateStore,
    private readonly repository: SafetyRepository,
    private readonly emitter: ClientEmitter,
    private readonly metrics: Metrics,
    @Optional() @Inject(GUARD) private readonly guard: GuardCheck | null = null,
  ) {}

  /**
   * Recent readings by text: the screen before admission and the safety stage read the same
   * message, and a long one costs milliseconds of the event loop (npm run bench:safety).
   */
  private readonly readings = new Map<string, RiskReading>();

  private read(text: string): RiskReading {
    const known = this.readings.get(text);
    if (known) return known;
    const reading = detectRisk(text);
    if (this.readings.size >= READINGS_KEPT) {
      this.readings.delete(this.readings.keys().next().value!);
    }
    this.readings.set(text, reading);
    return reading;
  }

  /** Safety state writes under way, waited for when the process shuts down. */
  private readonly writing = new Set<Promise<void>>();

  private track(write: Promise<void>, userId: string): void {
    const done = write
      .catch((e: unknown) =>
        this.logger.error(
          { userId, err: e instanceof Error ? e.message : String(e) },
          'could not store the safety state of a turn',
        ),
      )
      .finally(() => this.writing.delete(done));
    this.writing.add(done);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.writing]);
  }

  /** In-process and instant: whether the text reads as a crisis (the turn then skips the line). */
  screen(text: string): boolean {
    return triggersCrisisProtocol(this.read(text).level);
  }

  /**
   * The state `assess` starts from, as a read the reply claim carries in its own statement
   * (ClaimReads): pass what it found as `state`.
   */
  static readonly stateRead = SafetyRepository.stateRead;

  /** The message's risk and what it means for this turn; stores the new state and notices. */
  async assess(input: {
    userId: string;
    conversationId: string;
    text: string;
    lang: 'en' | 'zh';
    ageBand: AgeBand | null;
    now?: number;
    /** The state already read (`stateRead`, carried by the reply claim), if it was. */
    state?: unknown;
    /** Return the write instead of sending it, for another statement to carry. */
    carry?: boolean;
  }): Promise<Assessment> {
    const now = input.now ?? Date.now();
    const started = performance.now();
    const reading = this.read(input.text);
    // The guard model may raise a reading; it is not asked when the detector already answers
    // with the protocol (the protocol never waits on a model).
    const [guard, state] = await Promise.all([
      this.guard && !triggersCrisisProtocol(reading.level)
        ? this.guard.check(input.text)
        : Promise.resolve(null),
      input.state !== undefined
        ? SafetyRepository.stateFromRead(input.state)
        : this.repository.state(input.userId, input.conversationId),
    ]);
    const raised = guardLevel(guard);
    const level = max(reading.level, raised);
    const categories = [...new Set([...reading.categories, ...guardCategories(guard)])];
    const seen: RiskReading = { ...reading, level, categories: categories as never };
    const user = accumulateRisk(
      state.user.at ? { score: state.user.score, at: state.user.at.getTime() } : null,
      seen,
      now,
      USER_HALF_LIFE_MS,
    );
    const conversation = accumulateRisk(
      state.conversation.at
        ? { score: state.conversation.score, at: state.conversation.at.getTime() }
        : null,
      seen,
      now,
      CONVERSATION_HALF_LIFE_MS,
    );
    const crisis = triggersCrisisProtocol(level);
    const minor = (input.ageBand ?? state.ageBand) === 'minor';
    const ageBand: AgeBand = minor ? 'minor' : 'adult';
    const rule = noticeRule(
      this.config.safety.noticePolicy,
      this.config.safety.jurisdiction,
      ageBand,
    );
    const { due, clock } = noticesDue(state.clock, rule, now, this.config.safety.sessionIdleMs);
    const notices = due.map((kind) => ({
      kind,
      text: this.noticeText(kind, input.lang, minor, now - (clock.sessionStartedAt ?? now)),
    }));
    const stored: TurnSafetyWrite = {
      userId: input.userId,
      conversationId: input.conversationId,
      user: { score: user.score, at: new Date(user.at) },
      conversation: { score: conversation.score, at: new Date(conversation.at), crisis },
      clock,
      ageBand: input.ageBand,
      notices: due.map((kind) => ({
        kind,
        policy: `${this.config.safety.jurisdiction}:${ageBand}`,
        textVersion: this.templates.version,
      })),
    };
    // Written off the turn's path: by the reply's finish, which carries it (the next turn of a
    // conversation starts after that), or else now. A failure is logged, and the notices then
    // come again at the next turn.
    if (!input.carry) this.track(this.repository.saveTurn(stored), input.userId);
    this.metrics.safetyAssessments.inc({ level });
    this.metrics.safetyDuration.observe((performance.now() - started) / 1000);
    if (raisesCare(level)) {
      // Codes only: never the user's words.
      this.logger.warn(
        {
          userId: input.userId,
          conversationId: input.conversationId,
          level,
          categories,
          evidence: reading.evidence.map((e) => e.code),
          guard: guard?.safety,
        },
        'risk read in a message',
      );
    }
    return {
      level,
      categories,
      evidence: reading.evidence.map(({ code, category, weight }) => ({ code, category, weight })),
      guard: guard ? { safety: guard.safety, categories: guard.categories } : null,
      conversationLevel: conversation.level,
      userLevel: user.level,
      crisis,
      // Care mode lasts while the conversation's accumulated risk is medium or more.
      care: crisis || raisesCare(conversation.level),
      minor,
      lang: input.lang,
      notices,
      ...(input.carry ? { write: SafetyRepository.turnWrite(stored) } : {}),
    };
  }

  /**
   * The message on its own, when the stored state cannot be read or written: the detector's
   * reading decides the protocol and care; no notices (they are given at the next turn).
   */
  readAlone(text: string, lang: 'en' | 'zh', minor: boolean): Omit<Assessment, 'notices'> {
    const reading = this.read(text);
    const crisis = triggersCrisisProtocol(reading.level);
    return {
      level: reading.level,
      categories: [...reading.categories],
      evidence: reading.evidence.map(({ code, category, weight }) => ({ code, category, weight })),
      guard: null,
      conversationLevel: reading.level,
      userLevel: reading.level,
      crisis,
      care: crisis || raisesCare(reading.level),
      minor,
      lang,
    };
  }

  /** The crisis protocol's reply for this reading, in the user's language and locale. */
  protocolReply(input: {
    categories: string[];
    lang: 'en' | 'zh';
    locale: string | null;
    minor: boolean;
  }): ProtocolReply {
    const { locale, resources, emergency } = crisisResourcesFor(
      this.config.safety.crisisResources,
      input.locale,
      input.lang,
    );
    const category = PROTOCOL_ORDER.find((c) => input.categories.includes(c)) ?? 'suicide';
    const text = this.templates.render(`crisis.${input.lang}`, {
      category,
      resources,
      emergency,
      minor: input.minor,
    });
    return {
      sentences: text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
      version: this.templates.version,
      locale,
      resources: resources.map((r) => r.id),
    };
  }

  /** The line that ends a reply whose rest the output check withheld. */
  withheldLine(lang: 'en' | 'zh', minor: boolean): string {
    return this.templates.render(`withheld.${lang}`, { minor });
  }

  /** Records a crisis protocol reply given, and alerts operators. */
  async recordCrisis(input: {
    userId: string;
    conversationId: string;
    messageId: string;
    replyId: string;
    level: string;
    categories: string[];
    evidence: unknown;
    reply: ProtocolReply;
  }): Promise<void> {
    await this.repository.recordCrisis({
      userId: input.userId,
      conversationId: input.conversationId,
      messageId: input.messageId,
      replyId: input.replyId,
      level: input.level,
      categories: input.categories,
      evidence: input.evidence,
      protocolVersion: input.reply.version,
      locale: input.reply.locale,
      resources: input.reply.resources,
    });
    this.metrics.crisisReplies.inc({ level: input.level });
    await this.flag({
      kind: 'crisis',
      source: 'crisis',
      // A crisis is always on top of the queue; its level says how grave.
      priority: 1,
      severity: input.level,
      category: input.categories[0] ?? 'unknown',
      userId: input.userId,
      conversationId: input.conversationId,
      messageId: input.messageId,
    });
  }

  /** A reply the output check withheld: stored as a flag, operators alerted. */
  async outputWithheld(input: {
    userId: string;
    conversationId: string;
    replyId: string;
    category: string;
  }): Promise<void> {
    this.metrics.outputWithheld.inc({ category: input.category });
    await this.flag({
      kind: 'output_blocked',
      source: 'output_blocked',
      priority: input.category.startsWith('self_harm') ? 2 : 3,
      severity: null,
      category: input.category,
      userId: input.userId,
      conversationId: input.conversationId,
      messageId: input.replyId,
    });
    // A user whose replies keep being withheld is pushing for something: one flag for a person.
    const repeated = await this.repository.raiseRepeatedRefusals({
      userId: input.userId,
      conversationId: input.conversationId,
      messageId: input.replyId,
      atLeast: this.config.moderation.refusalsFlagAt,
      windowHours: this.config.moderation.refusalsWindowHours,
      priority: 3,
    });
    if (repeated) this.alert(repeated);
  }

  /** The age band the app says (its profile call). */
  setAgeBand(userId: string, ageBand: AgeBand): Promise<void> {
    return this.repository.setAgeBand(userId, ageBand);
  }

  private async flag(flag: NewFlag): Promise<void> {
    this.alert(await this.repository.raiseFlag(flag));
  }

  private alert(stored: Flag): void {
    this.emitter.toOperators('flag:new', toFlagEvent(stored));
  }

  private noticeText(kind: NoticeKind, lang: 'en' | 'zh', minor: boolean, sessionMs: number) {
    return this.templates.render(`notice.${kind}.${lang}`, {
      companionName: this.config.prompt.companionName,
      minor,
      minutes: Math.max(1, Math.round(sessionMs / 60_000)),
    });
  }
}

/** Which category's protocol speaks when a reading has several. */
const PROTOCOL_ORDER = ['suicide', 'self_harm', 'harm_others', 'abuse'];

/** Qwen3Guard's answer as a level: unsafe about self-harm is a crisis, unsafe otherwise a concern. */
function guardLevel(guard: GuardAnswer | null): RiskLevel {
  if (!guard) return 'none';
  if (guard.safety === 'unsafe') {
    return guardCategories(guard).some((c) => c === 'suicide' || c === 'self_harm')
      ? 'high'
      : 'medium';
  }
  return guard.safety === 'controversial' ? 'low' : 'none';
}

type GuardAnswer = { safety: string; categories: string[] };

/** The guard's categories that name a risk to the user (Qwen3Guard's "Suicide & Self-Harm"). */
function guardCategories(guard: GuardAnswer | null): string[] {
  if (!guard || guard.safety === 'safe') return [];
  return guard.categories.flatMap((c) =>
    /suicide|self-harm/i.test(c) ? ['suicide'] : /violent/i.test(c) ? ['harm_others'] : [],
  );
}
