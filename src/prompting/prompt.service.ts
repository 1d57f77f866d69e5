import { Inject, Injectable } from '@nestjs/common';
import type { AffectCue } from '../affect/affect-cue.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { fitHistory, type FittedPrompt, type HistoryTurn } from './fit-history.js';
import { QwenTokenizer } from './qwen-tokenizer.js';
import { TemplateStore } from './template-store.js';

export interface BuiltPrompt extends FittedPrompt {
  version: string;
  /** The rendered system prompt and per-turn note, as sent (for the turn trace). */
  system: string;
  note: string | null;
}

/**
 * Renders the prompt set and fits the history into the token budget.
 * Variables of system.njk: companionName, userName, today. Of context.<lang>.njk: cue.
 */
@Injectable()
export class PromptService {
  private readonly systemTokens = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly templates: TemplateStore,
    private readonly tokenizer: QwenTokenizer,
  ) {}

  get version(): string {
    return this.templates.version;
  }

  countTokens(text: string): number {
    return this.tokenizer.count(text);
  }

  build(input: {
    history: HistoryTurn[];
    userName?: string;
    now?: Date;
    /** The per-turn context note's variables, in the user's language; none, no note. */
    context?: { lang: 'en' | 'zh'; cue: AffectCue | null } | null;
  }): BuiltPrompt {
    const system = this.templates.render('system', {
      companionName: this.config.prompt.companionName,
      userName: input.userName ?? '',
      today: (input.now ?? new Date()).toISOString().slice(0, 10),
    });
    const note = this.renderNote(input.context ?? null);
    const fitted = fitHistory({
      system,
      note,
      history: input.history,
      budget: this.config.prompt.budgetTokens,
      count: (text) => (text === system ? this.countSystem(system) : this.tokenizer.count(text)),
      messageOverhead: QwenTokenizer.MESSAGE_OVERHEAD,
      primerTokens: QwenTokenizer.primerTokens(this.config.llm.enableThinking),
    });
    return { ...fitted, version: this.templates.version, note, system };
  }

  private renderNote(context: { lang: 'en' | 'zh'; cue: AffectCue | null } | null): string | null {
    if (!context?.cue) return null;
    const name = `context.${context.lang}`;
    if (!this.templates.has(name)) return null; // a prompt set without notes (companion/v1)
    return this.templates.render(name, { cue: context.cue });
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
