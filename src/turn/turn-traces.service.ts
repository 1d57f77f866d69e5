import { Injectable } from '@nestjs/common';
import type { CarriedWrite } from '../database/carried-writes.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { scrubTrace, type ForgottenCopies, type TurnTrace } from './turn-trace.js';
import { TurnTraceRepository } from './turn-trace.repository.js';

/** A turn's trace as an operator reads it: with the prompt's messages put back together. */
export interface TraceView {
  trace: TurnTrace;
  messages: Array<{ role: string; content: string; id?: string }>;
}

/**
 * Turn traces: stored by the turn's finish, in the statement that stores the reply
 * (`carriedSave`), so that a stored reply has its trace and the turn spends no statement of its
 * own on it; read by the operator API with the history's text from the conversation.
 */
@Injectable()
export class TurnTracesService {
  constructor(
    private readonly traces: TurnTraceRepository,
    private readonly messages: MessageRepository,
  ) {}

  /** The trace's write, for the reply's finish to carry (stored only if the finish took effect). */
  carriedSave(trace: TurnTrace): CarriedWrite {
    return TurnTraceRepository.traceWrite(trace);
  }

  /** The traces of these replies, by reply id (training-data exports). */
  tracesOf(replyIds: readonly string[]): Promise<Map<string, TurnTrace>> {
    return this.traces.tracesOf(replyIds);
  }

  /** The user's own traces (their export). */
  exportTraces(userId: string): AsyncGenerator<Record<string, unknown>> {
    return this.traces.exportTraces(userId);
  }

  /**
   * Takes out of the user's stored traces the copies of what a forget took out (scrubTrace);
   * returns how many traces changed. Traces older than the first forgotten message cannot hold it.
   */
  async scrub(userId: string, forgotten: ForgottenCopies): Promise<number> {
    if (forgotten.messages.length === 0 && forgotten.memoryIds.length === 0) return 0;
    const since = forgotten.messages.length
      ? new Date(Math.min(...forgotten.messages.map((m) => m.createdAt.getTime())))
      : new Date(0);
    return this.traces.rewriteSince(userId, since, (trace, at) => scrubTrace(trace, at, forgotten));
  }

  /** Deletes the user's traces (account deletion); returns how many. */
  deleteUserData(userId: string): Promise<number> {
    return this.traces.deleteUserData(userId);
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
