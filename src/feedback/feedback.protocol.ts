import { z } from 'zod';

/** The `/chat` events of reactions to replies (docs/protocol.md, docs/model-loop.md). */

const clientMsgId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

export const feedbackSendSchema = z
  .object({
    clientMsgId,
    replyId: z.string().uuid(),
    rating: z.enum(['up', 'down']),
    /** A short code the app offers (`too_long`, `off_topic`, `not_me`, ...), never free text. */
    reason: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9_]+$/, 'a code: a-z, 0-9 and _')
      .optional(),
  })
  .strict();

export const replyRegenerateSchema = z.object({ clientMsgId, replyId: z.string().uuid() }).strict();

export const replyChooseSchema = z.object({ clientMsgId, replyId: z.string().uuid() }).strict();

/** The text's length is checked against FEEDBACK_EDIT_MAX_CHARS (a coded refusal). */
export const replyEditSchema = z
  .object({ clientMsgId, replyId: z.string().uuid(), text: z.string().max(100_000) })
  .strict();

export interface FeedbackAck {
  replyId: string;
  /** This clientMsgId was stored before: nothing new happened. */
  duplicate: boolean;
}

export interface FeedbackSendAck extends FeedbackAck {
  rating: 'up' | 'down';
}

export interface RegenerateAck extends FeedbackAck {
  conversationId: string;
  /** The user message the new version answers (the new reply's `inReplyTo`). */
  inReplyTo: string;
}
