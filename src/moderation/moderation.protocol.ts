import { z } from 'zod';
import { MUTE_MAX_MIN } from './restriction.js';

/** The user's side of moderation on `/chat` (docs/protocol.md) and the operator API's bodies. */

const clientMsgId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

export const APPEAL_MAX_CHARS = 2000;
export const REPORT_REASON_MAX_CHARS = 500;

export const reportSchema = z
  .object({
    clientMsgId,
    messageId: z.string().uuid(),
    reason: z.string().trim().min(1).max(REPORT_REASON_MAX_CHARS),
  })
  .strict();

export const appealSchema = z
  .object({ clientMsgId, text: z.string().trim().min(1).max(APPEAL_MAX_CHARS) })
  .strict();

export interface ReportAck {
  reportId: string;
  flagId: string | null;
  duplicate: boolean;
}

export interface AppealAck {
  appealId: string;
  duplicate: boolean;
}

/** Actions an operator takes on a user's account. */
export const USER_ACTIONS = [
  'comment',
  'warn',
  'mute',
  'unmute',
  'suspend',
  'ban',
  'unban',
] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

/** Longest suspension: a year (a ban is for longer). */
export const SUSPEND_MAX_MIN = 365 * 24 * 60;

export const userActionSchema = z
  .object({
    action: z.enum(USER_ACTIONS),
    reason: z.string().trim().min(1).max(2000).optional(),
    policy: z.string().trim().min(1).max(64).optional(),
    durationMin: z.number().int().min(1).max(SUSPEND_MAX_MIN).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.action === 'mute' || v.action === 'suspend') && v.durationMin === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['durationMin'],
        message: `${v.action} needs a duration`,
      });
    if (v.action === 'mute' && (v.durationMin ?? 0) > MUTE_MAX_MIN)
      ctx.addIssue({
        code: 'custom',
        path: ['durationMin'],
        message: 'a mute lasts at most 28 days',
      });
    if (v.action !== 'mute' && v.action !== 'suspend' && v.durationMin !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['durationMin'],
        message: `${v.action} takes no duration`,
      });
    if (v.action === 'warn' && !v.reason)
      ctx.addIssue({
        code: 'custom',
        path: ['reason'],
        message: 'a warning needs a reason: the user reads it',
      });
  });
export type UserActionBody = z.infer<typeof userActionSchema>;

/** Resolving, escalating or deleting may say why. */
export const reviewSchema = z
  .object({
    reason: z.string().trim().min(1).max(2000).optional(),
    policy: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

export const QUEUE_MAX_LIMIT = 100;

export const queueQuerySchema = z
  .object({
    status: z.enum(['open', 'escalated', 'closed']).optional(),
    kind: z.enum(['crisis', 'output_blocked', 'report', 'rule', 'repeated_refusals']).optional(),
    category: z.string().min(1).max(48).optional(),
    label: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/)
      .optional(),
    userId: z
      .string()
      .regex(/^[A-Za-z0-9._:@|-]{1,128}$/)
      .optional(),
    priority: z.coerce.number().int().min(0).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(QUEUE_MAX_LIMIT).optional(),
    cursor: z.string().min(1).max(400).optional(),
  })
  .strict();

export const pageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(QUEUE_MAX_LIMIT).optional(),
    before: z.string().uuid().optional(),
  })
  .strict();

/** A label: lower-case letters, digits, `_` and `-`, as in `spam` or `needs-follow-up`. */
const label = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a label is 1-32 of a-z 0-9 _ - (starting a-z 0-9)');

export const labelsSchema = z
  .object({
    add: z.array(label).max(16).default([]),
    remove: z.array(label).max(16).default([]),
    reason: z.string().trim().min(1).max(2000).optional(),
  })
  .strict()
  .refine((v) => v.add.length + v.remove.length > 0, { message: 'add or remove a label' });

export const appealsQuerySchema = z
  .object({
    status: z.enum(['open', 'resolved']).optional(),
    limit: z.coerce.number().int().min(1).max(QUEUE_MAX_LIMIT).optional(),
    after: z.string().uuid().optional(),
  })
  .strict();

export const resolveAppealSchema = z
  .object({
    outcome: z.enum(['upheld', 'overturned']),
    comment: z.string().trim().min(1).max(2000),
    policy: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

/** What an operator writes to a user in a conversation they hold (as long as a user's message). */
export const OPERATOR_MESSAGE_MAX_CHARS = 4000;

export const operatorMessageSchema = z
  .object({ text: z.string().trim().min(1).max(OPERATOR_MESSAGE_MAX_CHARS) })
  .strict();

export const conversationPageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).optional(),
    beforeSeq: z.coerce.number().int().min(1).optional(),
  })
  .strict();

const ruleFields = {
  name: z.string().trim().min(1).max(64),
  kind: z.enum(['keyword', 'regex']),
  pattern: z.string().min(1).max(200),
  action: z.enum(['block', 'flag']),
  category: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'a category is 1-48 of a-z 0-9 _ -'),
  priority: z.number().int().min(2).max(100),
  userReason: z.string().trim().min(1).max(300).nullable(),
  enabled: z.boolean(),
};

export const createRuleSchema = z
  .object({
    ...ruleFields,
    priority: ruleFields.priority.default(5),
    userReason: ruleFields.userReason.optional(),
    enabled: ruleFields.enabled.default(true),
  })
  .strict();

export const updateRuleSchema = z
  .object(ruleFields)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'change at least one field' });

export const reportQuerySchema = z
  .object({ year: z.coerce.number().int().min(2000).max(2100) })
  .strict();
