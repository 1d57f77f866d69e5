import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { Batcher } from '../common/batcher.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { scrubTrace, type ForgottenCopies, type TurnTrace } from './turn-trace.js';
import { TurnTraceRepository } from './turn-trace.repository.js';

/** A turn's trace as an operator reads it: with the prompt's messages put back together. */
export interface TraceView {
  trace: TurnTrace;
  messages: Array<{ role: string; content: string; id?: string }>;
}

/** Traces finished within this window are stored together. */
export const TRACE_FLUSH_MS = 20;

/**
 * Turn traces: stored by the turn's finish (those of turns finishing within TRACE_FLUSH_MS in
 * one statement, off the turn's path), read by the operator API with the history's text from the
 * conversation. A process killed in that window loses those traces, never a reply.
 */
@Injectable()
export class TurnTracesService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(TurnTracesService.name);
  private readonly batcher: Batcher<TurnTrace>;

  constructor(
    private readonly traces: TurnTraceRepository,
    private readonly messages: MessageRepository,
  ) {
    this.batcher = new Batcher((batch) => this.traces.saveMany(batch), TRACE_FLUSH_MS);
  }

  /** Resolves once the trace is stored. */
  save(trace: TurnTrace): Promise<void> {
    return this.batcher.add(trace);
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
    // Traces of turns that finished just now may still wait in the batcher.
    await this.batcher.flush();
    return this.traces.rewriteSince(userId, since, (trace, at) => scrubTrace(trace, at, forgotten));
  }

  /** Deletes the user's traces (account deletion); returns how many. */
  deleteUserData(userId: string): Promise<number> {
    return this.traces.deleteUserData(userId);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.batcher
      .flush()
      .catch((e: unknown) =>
        this.logger.warn({ err: String(e) }, 'could not store the last turn traces'),
      );
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
