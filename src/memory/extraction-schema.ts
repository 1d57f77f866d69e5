import { z } from 'zod';
import { MEMORY_KINDS } from './memory.entity.js';

/** What the extraction model may answer: operations against the memories it was shown. */
export const MEMORY_OPERATIONS_JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['operations'],
  properties: {
    operations: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'op',
          'target',
          'kind',
          'text',
          'about',
          'importance',
          'emotional_intensity',
          'valence',
          'arousal',
          'sensitive',
          'core',
          'sources',
        ],
        properties: {
          op: { type: 'string', enum: ['add', 'update', 'supersede', 'noop'] },
          target: {
            type: ['string', 'null'],
            description: 'an existing memory ref (m1...) for update, supersede, noop',
          },
          kind: { type: 'string', enum: [...MEMORY_KINDS] },
          text: { type: 'string', maxLength: 300 },
          about: {
            type: ['string', 'null'],
            description: 'when an event or plan happens, as said or as YYYY-MM-DD',
          },
          importance: { type: 'number', minimum: 0, maximum: 1 },
          emotional_intensity: { type: 'number', minimum: 0, maximum: 1 },
          valence: { type: ['number', 'null'], minimum: -1, maximum: 1 },
          arousal: { type: ['number', 'null'], minimum: -1, maximum: 1 },
          sensitive: { type: 'boolean' },
          core: { type: 'boolean' },
          sources: { type: 'array', maxItems: 10, items: { type: 'string' } },
        },
      },
    },
  },
} as const;

const unit = z.number().min(0).max(1);
const signed = z.number().min(-1).max(1).nullable();
/** PostgreSQL text cannot hold NUL: an operation carrying one would fail the whole batch's write. */
const storable = (s: string) => !s.includes('\u0000');

export const memoryOperationSchema = z
  .object({
    op: z.enum(['add', 'update', 'supersede', 'noop']),
    target: z
      .string()
      .regex(/^m\d+$/)
      .nullable(),
    kind: z.enum(MEMORY_KINDS),
    text: z.string().max(300).refine(storable, 'not storable'),
    about: z.string().max(100).refine(storable, 'not storable').nullable(),
    importance: unit,
    emotional_intensity: unit,
    valence: signed,
    arousal: signed,
    sensitive: z.boolean(),
    core: z.boolean(),
    sources: z.array(z.string().regex(/^t\d+$/)).max(10),
  })
  .strict()
  .superRefine((op, ctx) => {
    if (op.op !== 'add' && op.target === null)
      ctx.addIssue({ code: 'custom', message: `${op.op} needs a target` });
    if (op.op !== 'noop' && op.text.trim() === '')
      ctx.addIssue({ code: 'custom', message: `${op.op} needs a text` });
    if (op.op !== 'noop' && op.sources.length === 0)
      ctx.addIssue({ code: 'custom', message: `${op.op} needs sources` });
  });
export type MemoryOperation = z.infer<typeof memoryOperationSchema>;

/** At most this many operations of an answer are read; the rest are dropped as invalid. */
export const MAX_OPERATIONS = 20;

/**
 * An operation left out of an answer, described for the logs: its position, what it claimed to
 * be and refer to (when those were well-formed refs), and why. Never its text.
 */
export interface DroppedOperation {
  index: number;
  op: string | null;
  target: string | null;
  sources: string[];
  reason: string;
}

export type ParsedAnswer =
  | { ok: true; operations: MemoryOperation[]; dropped: DroppedOperation[] }
  | { ok: false; error: string };

/**
 * Parses and checks the model's answer. The answer as a whole must be JSON with an `operations`
 * list, or it is rejected (`ok: false`). Each operation is then checked on its own (schema, and
 * every ref must name a memory or turn the model was shown): an invalid one is dropped and
 * described in `dropped`, and the valid ones are kept. Error texts name fields, refs and zod
 * issue codes only, never a value the model wrote.
 */
export function parseOperations(
  raw: string,
  known: { memories: ReadonlySet<string>; turns: ReadonlySet<string> },
): ParsedAnswer {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'the answer is not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, error: 'the answer is not an object' };
  const list = (json as { operations?: unknown }).operations;
  if (!Array.isArray(list)) return { ok: false, error: 'the answer has no operations list' };

  const operations: MemoryOperation[] = [];
  const dropped: DroppedOperation[] = [];
  for (const [index, item] of (list as unknown[]).entries()) {
    const drop = (reason: string) => dropped.push({ index, ...refsOf(item), reason });
    if (index >= MAX_OPERATIONS) {
      drop(`more than ${MAX_OPERATIONS} operations`);
      continue;
    }
    const parsed = memoryOperationSchema.safeParse(item);
    if (!parsed.success) {
      drop(describeIssue(parsed.error.issues[0]));
      continue;
    }
    const op = parsed.data;
    if (op.target !== null && !known.memories.has(op.target)) {
      drop(`unknown memory ${op.target}`);
      continue;
    }
    const unknown = op.sources.find((s) => !known.turns.has(s));
    if (unknown) {
      drop(`unknown turn ${unknown}`);
      continue;
    }
    operations.push(op);
  }
  return { ok: true, operations, dropped };
}

/** "importance: too_big", "target: invalid_format", "update needs a target". */
function describeIssue(issue: z.ZodError['issues'][number] | undefined): string {
  if (!issue) return 'invalid';
  const path = issue.path.map(String).join('.');
  const what = issue.code === 'custom' ? issue.message : issue.code;
  return path ? `${path}: ${what}` : what;
}

/** What an operation names, when those are refs (never free text the model wrote). */
function refsOf(item: unknown): Pick<DroppedOperation, 'op' | 'target' | 'sources'> {
  const o = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const ref = (v: unknown, re: RegExp) => (typeof v === 'string' && re.test(v) ? v : null);
  return {
    op: ref(o.op, /^(add|update|supersede|noop)$/),
    target: ref(o.target, /^m\d{1,4}$/),
    sources: Array.isArray(o.sources)
      ? o.sources.flatMap((s: unknown) => ref(s, /^t\d{1,4}$/) ?? []).slice(0, 10)
      : [],
  };
}
