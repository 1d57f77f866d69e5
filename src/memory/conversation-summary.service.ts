import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { ModelCompletions } from '../llm/model-completions.js';
import { TemplateStore } from '../prompting/template-store.js';
import { MEMORY_MODEL, MEMORY_PROMPTS } from './memory-extraction.service.js';

/** Messages folded in by one model request; a longer backlog takes several runs. */
export const SUMMARY_FOLD_MESSAGES = 200;

/** Longest summary kept; a model that rambles is cut at a sentence. */
const MAX_SUMMARY_CHARS = 1200;

/**
 * Rolling summaries of long conversations: when a reply's prompt had to leave turns out, a job
 * folds everything but the last SUMMARY_KEEP_MESSAGES messages into the conversation's summary,
 * which prompts then carry in place of those turns.
 */
@Injectable()
export class ConversationSummaryService {
  private readonly logger = new Logger(ConversationSummaryService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MEMORY_MODEL) private readonly model: ModelCompletions,
    @Inject(MEMORY_PROMPTS) private readonly prompts: TemplateStore,
    private readonly messages: MessageRepository,
  ) {}

  /**
   * Folds the turns older than the kept window into the summary, at most SUMMARY_FOLD_MESSAGES
   * of them; false when there was nothing to fold (or the model answered nothing).
   */
  async summarize(conversationId: string): Promise<boolean> {
    const conv = await this.messages.summaryState(conversationId);
    if (!conv) return false;
    const until = Math.min(
      conv.lastSeq - this.config.memory.summaryKeepMessages,
      conv.untilSeq + SUMMARY_FOLD_MESSAGES,
    );
    if (until <= conv.untilSeq) return false;
    const turns = await this.messages.turnsBetween(conversationId, conv.untilSeq, until);
    let summary = conv.summary;
    if (turns.length > 0) {
      const prompt = this.prompts.render('summary', {
        userName: 'the user',
        companionName: this.config.prompt.companionName,
        previous: conv.summary ?? '',
        turns: turns.map((t) => ({
          speaker: t.role === 'user' ? 'User' : this.config.prompt.companionName,
          text: t.content.replace(/\s+/g, ' '),
        })),
      });
      const text = await this.model.text([{ role: 'user', content: prompt }], 400);
      if (!text) {
        this.logger.warn({ conversationId }, 'summary model answered nothing; keeping the turns');
        return false;
      }
      summary = clip(text);
    }
    // Only if no other run moved it meanwhile (a forget drops it to be written again).
    if (!(await this.messages.saveSummary(conversationId, summary, until, conv.untilSeq))) {
      return false;
    }
    this.logger.log(
      { conversationId, untilSeq: until, turns: turns.length },
      'conversation summary updated',
    );
    return true;
  }
}

function clip(text: string): string {
  if (text.length <= MAX_SUMMARY_CHARS) return text;
  const cut = text.slice(0, MAX_SUMMARY_CHARS);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('。'));
  return end > MAX_SUMMARY_CHARS / 2 ? cut.slice(0, end + 1) : cut;
}
