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

export const memoryOperationSchema = z
  .object({
    op: z.enum(['add', 'update', 'supersede', 'noop']),
    target: z
      .string()
      .regex(/^m\d+$/)
      .nullable(),
    kind: z.enum(MEMORY_KINDS),
    text: z.string().max(300),
    about: z.string().max(100).nullable(),
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

export const memoryOperationsSchema = z
  .object({ operations: z.array(memoryOperationSchema).max(20) })
  .strict();

/**
 * Parses and checks the model's answer: the JSON, the schema, and that every ref names a memory
 * or turn it was shown. Any problem rejects the whole answer (nothing is stored half).
 */
export function parseOperations(
  raw: string,
  known: { memories: ReadonlySet<string>; turns: ReadonlySet<string> },
): { ok: true; operations: MemoryOperation[] } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'the answer is not JSON' };
  }
  const parsed = memoryOperationsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  for (const op of parsed.data.operations) {
    if (op.target !== null && !known.memories.has(op.target))
      return { ok: false, error: `unknown memory ${op.target}` };
    const unknown = op.sources.find((s) => !known.turns.has(s));
    if (unknown) return { ok: false, error: `unknown turn ${unknown}` };
  }
  return { ok: true, operations: parsed.data.operations };
}
