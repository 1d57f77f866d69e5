import { Inject, Injectable } from '@nestjs/common';
import type { AffectCue } from '../affect/affect-cue.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { dayOf, isoDay } from '../memory/recall/calendar.js';
import { fitHistory, type FittedPrompt, type HistoryTurn } from './fit-history.js';
import { QwenTokenizer } from './qwen-tokenizer.js';
import { TemplateStore } from './template-store.js';

export interface BuiltPrompt extends FittedPrompt {
  version: string;
  /** The rendered system prompt, summary and per-turn note, as sent (for the turn trace). */
  system: string;
  summary: string | null;
  note: string | null;
}

/** The per-turn note's variables (prompts/companion/v3/context.<lang>.njk). */
export interface NoteContext {
  lang: 'en' | 'zh';
  cue: AffectCue | null;
  memories?: Array<{ text: string; sensitive: boolean }>;
  forgot?: { scope: string; topic: string | null } | null;
}

/**
 * Renders a prompt set (the configured one, or the one a turn's route chose; each is loaded and
 * compiled once) and fits the history into the token budget. Order: the system prompt
 * (stable), the conversation's summary (changes rarely), the history, and the per-turn note
 * right before the latest message, so that vLLM's prefix cache serves all but the end.
 * Variables: system.njk companionName, userName, today, minor; summary.njk summary, lang;
 * context.<lang>.njk cue, memories, forgot.
 */
@Injectable()
export class PromptService {
  private readonly systemTokens = new Map<string, number>();
  private readonly sets = new Map<string, TemplateStore>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly templates: TemplateStore,
    private readonly tokenizer: QwenTokenizer,
  ) {
    this.sets.set(config.prompt.set, templates);
  }

  /** The configured set's version (name and content hash). */
  get version(): string {
    return this.templates.version;
  }

  /** A prompt set by name (`companion/v3`), loaded on first use; throws when it does not exist. */
  promptSet(name: string): TemplateStore {
    let set = this.sets.get(name);
    if (!set) {
      set = new TemplateStore(this.config.prompt.dir, name);
      this.sets.set(name, set);
    }
    return set;
  }

  countTokens(text: string): number {
    return this.tokenizer.count(text);
  }

  build(input: {
    history: HistoryTurn[];
    /** The prompt set to render; the configured one by default. */
    set?: string;
    userName?: string;
    now?: Date;
    /** The user's IANA zone: "today" in the system prompt is their day (UTC when unknown). */
    timeZone?: string | null;
    /** Minors mode: the system prompt's rules for minors (companion/v4 and care/v1). */
    minor?: boolean;
    /** The conversation's rolling summary of turns no longer in the history. */
    summary?: string | null;
    context?: NoteContext | null;
  }): BuiltPrompt {
    const templates = input.set ? this.promptSet(input.set) : this.templates;
    const system = templates.render('system', {
      companionName: this.config.prompt.companionName,
      userName: input.userName ?? '',
      today: localDay(input.now ?? new Date(), input.timeZone ?? null),
      minor: input.minor ?? false,
    });
    const lang = input.context?.lang ?? 'en';
    const summary =
      input.summary && templates.has('summary')
        ? templates.render('summary', { summary: input.summary, lang })
        : null;
    const note = this.renderNote(templates, input.context ?? null);
    const fitted = fitHistory({
      system,
      summary,
      note,
      history: input.history,
      budget: this.config.prompt.budgetTokens,
      count: (text) => (text === system ? this.countSystem(system) : this.tokenizer.count(text)),
      messageOverhead: QwenTokenizer.MESSAGE_OVERHEAD,
      primerTokens: QwenTokenizer.primerTokens(this.config.llm.enableThinking),
    });
    return { ...fitted, version: templates.version, system, summary, note };
  }

  /**
   * The note before the latest message: what is remembered, a forget carried out, how the user
   * seems; none when there is nothing to say. Sets before companion/v3 know only the affect cue.
   */
  private renderNote(templates: TemplateStore, context: NoteContext | null): string | null {
    if (!context) return null;
    const name = `context.${context.lang}`;
    if (!templates.has(name)) return null;
    const knowsMemory = templates.has('summary');
    const memories = knowsMemory ? (context.memories ?? []) : [];
    const forgot = knowsMemory ? (context.forgot ?? null) : null;
    if (!context.cue && memories.length === 0 && !forgot) return null;
    return templates.render(name, { cue: context.cue, memories, forgot });
  }

  /** The system prompt changes once a day at most: count it once. */
  private countSystem(system: string): number {
    let n = this.systemTokens.get(system);
    if (n === undefined) {
      if (this.systemTokens.size > 16) this.systemTokens.clear();
      n = this.tokenizer.count(system);
      this.systemTokens.set(system, n);
    }
    return n;
  }
}

/** The calendar day (YYYY-MM-DD) at `at` in `timeZone`, or in UTC when it is unknown. */
export function localDay(at: Date, timeZone: string | null): string {
  return isoDay(dayOf(at, timeZone ?? 'UTC'));
}
