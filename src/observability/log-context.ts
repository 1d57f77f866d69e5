import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The correlation id of what is being done now: a turn's `turnId`, from the socket event that
 * asked for it to its finish. Every log line written inside carries it (the logger's mixin, in
 * src/observability/logger.ts), without each call passing it along.
 */
const context = new AsyncLocalStorage<{ turnId: string }>();

export function withTurnId<T>(turnId: string, run: () => T): T {
  return context.run({ turnId }, run);
}

/** The fields every log line written now carries. */
export function logFields(): { turnId?: string } {
  const current = context.getStore();
  return current ? { turnId: current.turnId } : {};
}

/** Runs `run` outside any turn (work that serves many turns, e.g. a batch). */
export function outsideTurns<T>(run: () => T): T {
  return context.exit(run);
}
