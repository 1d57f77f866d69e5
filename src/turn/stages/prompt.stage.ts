import { Injectable } from '@nestjs/common';
import { detectLanguage } from '../../affect/detect-language.js';
import { PromptService } from '../../prompting/prompt.service.js';
import type { TurnStage } from '../run-turn.js';
import type { Turn, TurnPrompt } from '../turn.js';

/**
 * prompt: the route's prompt set rendered with what the turn found (the summary and history,
 * recalled memories, a forget carried out, the affect cue), fitted to the token budget with the
 * Qwen tokenizer.
 */
@Injectable()
export class PromptStage implements TurnStage<'prompt'> {
  readonly name = 'prompt' as const;
  readonly produces = 'prompt' as const;
  readonly optional = false;

  constructor(private readonly prompts: PromptService) {}

  run(turn: Turn): Promise<TurnPrompt> {
    const recall = turn.recall!;
    const affect = turn.affect ?? null;
    const history = recall.history;
    const prompt = this.prompts.build({
      set: turn.route!.promptSet,
      timeZone: turn.user.timeZone,
      minor: turn.risk?.minor ?? false,
      history: history.map((m) => ({
        role: m.role,
        content: m.content,
        tokens: m.tokens ?? undefined,
      })),
      summary: recall.summary,
      context: {
        lang: affect?.lang ?? detectLanguage(turn.answering.content),
        cue: affect?.cue ?? null,
        memories: recall.memories.map((i) => ({ text: i.text, sensitive: i.sensitive })),
        forgot: recall.forgotten,
      },
    });
    const turns = prompt.messages.filter((m) => m.role !== 'system').length;
    const kept = history.slice(history.length - turns).map((m) => ({ id: m.id, role: m.role }));
    return Promise.resolve({ ...prompt, kept });
  }
}
