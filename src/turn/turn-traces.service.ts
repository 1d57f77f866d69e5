import { Injectable } from '@nestjs/common';
import { MessageRepository } from '../conversation/message.repository.js';
import type { TurnTrace } from './turn-trace.js';
import { TurnTraceRepository } from './turn-trace.repository.js';

/** A turn's trace as an operator reads it: with the prompt's messages put back together. */
export interface TraceView {
  trace: TurnTrace;
  messages: Array<{ role: string; content: string; id?: string }>;
}

/** Turn traces for the operator API: stored by the turn, history text from the conversation. */
@Injectable()
export class TurnTracesService {
  constructor(
    private readonly traces: TurnTraceRepository,
    private readonly messages: MessageRepository,
  ) {}

  save(trace: TurnTrace): Promise<void> {
    return this.traces.save(trace);
  }

  async find(messageId: string): Promise<TraceView | null> {
    const trace = await this.traces.find(messageId);
    if (!trace) return null;
    const content = await this.messages.contents(
      trace.conversationId,
      trace.prompt.history.map((h) => h.id),
    );
    const history = trace.prompt.history.map((h) => ({
      id: h.id,
      role: h.role,
      content: content.get(h.id) ?? '',
    }));
    const messages: TraceView['messages'] = [
      { role: 'system', content: trace.prompt.system },
      ...(trace.prompt.summary ? [{ role: 'system', content: trace.prompt.summary }] : []),
      ...history,
    ];
    if (trace.prompt.note) {
      messages.splice(messages.length - 1, 0, { role: 'system', content: trace.prompt.note });
    }
    return { trace, messages };
  }
}
