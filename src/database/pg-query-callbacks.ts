import pg from 'pg';

const INSTALLED = Symbol.for('companion.pgQueryCallbacks');

type QueryCallback = (err: Error | null | undefined, res?: unknown) => void;
type Query = (this: pg.Client, config: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * Makes pg's promise-returning `Client#query` go through its callback form.
 *
 * Without a callback, pg makes its promise by assigning an arrow function to `query.callback`.
 * V8 allocates a function literal that is assigned to a property straight into the old
 * generation (it expects such a function to live long). The old function then keeps its scope
 * alive, and through it the promise with the query's result rows, across every young collection
 * until the next major one, long after the query has ended. At a hundred turns a second that
 * moved some 12 KB per 50-row read into the old generation and brought a major collection every
 * few seconds (`npm run bench:promotion` shows the same shape in the OpenAI SDK, which this
 * cannot reach). Here the callback is made as an argument, which V8 allocates young, and the
 * promise is made around it.
 *
 * The rest is pg's own behaviour: calls with a callback, and submittable queries (cursors,
 * streams), go to pg unchanged; a rejected query's stack is captured again where it settles, as
 * pg does, so that it leads back to the caller rather than to the socket's read. TypeORM's
 * queries and the pool's are covered, as both call `Client#query`. Installed once per process.
 */
export function installPgQueryCallbacks(client: typeof pg.Client = pg.Client): void {
  const proto = client.prototype as unknown as Record<PropertyKey, unknown> & { query: Query };
  if (proto[INSTALLED]) return;
  const original = proto.query;
  proto.query = function query(this: pg.Client, config, values, callback) {
    const submittable =
      config !== null &&
      typeof config === 'object' &&
      typeof (config as { submit?: unknown }).submit === 'function';
    if (
      config == null ||
      submittable ||
      typeof values === 'function' ||
      typeof callback === 'function'
    ) {
      return original.call(this, config, values, callback);
    }
    return new Promise((resolve, reject) => {
      const settle: QueryCallback = (err, res) => (err ? reject(err) : resolve(res));
      original.call(this, config, values, settle);
    }).catch((err: unknown) => {
      if (err instanceof Error) Error.captureStackTrace(err);
      throw err;
    });
  };
  proto[INSTALLED] = true;
}
