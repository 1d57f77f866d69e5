import type { SchemaObject } from '../openapi/openapi.decorators.js';

/** The shapes the moderation API answers with, for the OpenAPI document (docs/operator.md). */

const str: SchemaObject = { type: 'string' };
const maybeStr: SchemaObject = { type: 'string', nullable: true };
const time: SchemaObject = { type: 'string', format: 'date-time' };
const maybeTime: SchemaObject = { type: 'string', format: 'date-time', nullable: true };
const FLAG_KINDS = ['crisis', 'output_blocked', 'report', 'rule', 'repeated_refusals'];

export const flagSchema: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    kind: { type: 'string', enum: FLAG_KINDS },
    source: { type: 'string', enum: FLAG_KINDS },
    priority: { type: 'integer', description: '1 is the most urgent; a crisis is always 1' },
    severity: maybeStr,
    category: str,
    status: { type: 'string', enum: ['open', 'escalated', 'closed'] },
    subject: {
      type: 'object',
      properties: { kind: { type: 'string', enum: ['message', 'user'] }, id: str },
    },
    userId: str,
    conversationId: str,
    messageId: str,
    assignee: maybeStr,
    claimExpiresAt: maybeTime,
    slaDueAt: maybeTime,
    labels: { type: 'array', items: str },
    createdAt: time,
  },
};

export const eventSchema: SchemaObject = {
  type: 'object',
  description: 'A moderation event (append-only)',
  properties: {
    id: { type: 'string', format: 'uuid' },
    subjectKind: { type: 'string', enum: ['user', 'message', 'conversation', 'flag'] },
    subjectId: str,
    userId: str,
    actor: { type: 'string', description: "the operator's id, `system`, or the user" },
    action: str,
    reason: maybeStr,
    policy: maybeStr,
    until: maybeTime,
    data: { type: 'object', nullable: true, additionalProperties: true },
    createdAt: time,
  },
};

export const queuePageSchema: SchemaObject = {
  type: 'object',
  properties: {
    flags: { type: 'array', items: flagSchema },
    next: { type: 'string', nullable: true, description: 'pass as `cursor` for the next page' },
  },
};

export const flagDetailSchema: SchemaObject = {
  allOf: [
    flagSchema,
    {
      type: 'object',
      properties: {
        message: {
          type: 'object',
          nullable: true,
          properties: {
            id: str,
            role: str,
            content: str,
            deleted: { type: 'boolean' },
            createdAt: time,
          },
        },
        events: { type: 'array', items: eventSchema },
      },
    },
  ],
};

export const statsSchema: SchemaObject = {
  type: 'object',
  properties: {
    flags: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          status: str,
          kind: str,
          priority: { type: 'integer' },
          n: { type: 'integer' },
        },
      },
    },
  },
};

export const deletedMessageSchema: SchemaObject = {
  allOf: [eventSchema, { type: 'object', properties: { alreadyDeleted: { type: 'boolean' } } }],
};

export const historySchema: SchemaObject = {
  type: 'object',
  properties: {
    userId: str,
    restriction: {
      type: 'object',
      nullable: true,
      properties: {
        mutedUntil: maybeTime,
        suspendedUntil: maybeTime,
        banned: { type: 'boolean' },
      },
    },
    events: { type: 'array', items: eventSchema },
    next: { type: 'string', nullable: true, description: 'pass as `before` for the next page' },
  },
};

export const auditPageSchema: SchemaObject = {
  type: 'object',
  properties: {
    entries: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          operatorId: str,
          action: { type: 'string', example: 'flag.read' },
          targetId: str,
          subjectUserId: maybeStr,
          createdAt: time,
        },
      },
    },
    next: { type: 'string', nullable: true, description: 'pass as `before` for the next page' },
  },
};

export const myModerationSchema: SchemaObject = {
  type: 'object',
  properties: {
    actions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          action: {
            type: 'string',
            enum: [
              'warn',
              'mute',
              'unmute',
              'suspend',
              'ban',
              'unban',
              'delete_message',
              'appeal',
              'appeal_resolved',
            ],
          },
          reason: maybeStr,
          until: maybeTime,
          appealId: { type: 'string', description: 'the appeal answered (appeal_resolved)' },
          outcome: { type: 'string', enum: ['upheld', 'overturned'] },
          createdAt: time,
        },
      },
    },
  },
};

const messageView: SchemaObject = {
  type: 'object',
  properties: {
    id: str,
    conversationId: str,
    seq: { type: 'integer' },
    role: { type: 'string', enum: ['user', 'assistant'] },
    kind: { type: 'string', enum: ['text', 'voice'] },
    content: str,
    status: str,
    source: { type: 'string', enum: ['user', 'model', 'protocol', 'operator'] },
    model: maybeStr,
    errorCode: maybeStr,
    withheld: { type: 'boolean' },
    createdAt: time,
    completedAt: maybeTime,
  },
};

export const operatorMessageSchema: SchemaObject = messageView;

export const conversationViewSchema: SchemaObject = {
  type: 'object',
  properties: {
    id: str,
    userId: str,
    title: maybeStr,
    takenOverBy: { ...maybeStr, description: 'the operator holding it; the model is paused' },
    takenOverAt: maybeTime,
    createdAt: time,
    lastMessageAt: maybeTime,
    messages: {
      type: 'array',
      description: 'newest first; deleted ones as tombstones',
      items: {
        allOf: [
          messageView,
          {
            type: 'object',
            properties: { turnId: maybeStr, deleted: { type: 'boolean' } },
          },
        ],
      },
    },
    next: {
      type: 'integer',
      nullable: true,
      description: 'pass as `beforeSeq` for older messages',
    },
    mood: {
      type: 'array',
      description: 'the readings of the user messages answered, oldest first (at most 500)',
      items: {
        type: 'object',
        properties: {
          messageId: str,
          label: str,
          valence: { type: 'number' },
          arousal: { type: 'number' },
          confidence: { type: 'number' },
          incongruence: maybeStr,
          at: time,
        },
      },
    },
    events: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: str, actor: str, action: str, reason: maybeStr, createdAt: time },
      },
    },
  },
};

export const takeoverSchema: SchemaObject = {
  type: 'object',
  properties: { conversationId: str, userId: str, takenOverBy: maybeStr },
};

export const memoriesSchema: SchemaObject = {
  type: 'object',
  properties: {
    userId: str,
    memories: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: str,
          kind: str,
          text: str,
          importance: { type: 'number' },
          sensitive: { type: 'boolean' },
          createdAt: time,
        },
      },
    },
  },
};

const appealSchema: SchemaObject = {
  type: 'object',
  properties: {
    id: str,
    userId: str,
    text: str,
    createdAt: time,
    resolution: {
      type: 'object',
      nullable: true,
      properties: {
        outcome: { type: 'string', enum: ['upheld', 'overturned'] },
        comment: str,
        actor: str,
        createdAt: time,
      },
    },
  },
};

export const appealViewSchema = appealSchema;

export const appealsPageSchema: SchemaObject = {
  type: 'object',
  properties: {
    appeals: { type: 'array', items: appealSchema },
    next: { type: 'string', nullable: true, description: 'pass as `after` for the next page' },
  },
};

export const ruleSchema: SchemaObject = {
  type: 'object',
  properties: {
    id: str,
    name: str,
    kind: { type: 'string', enum: ['keyword', 'regex'] },
    pattern: str,
    action: { type: 'string', enum: ['block', 'flag'] },
    category: str,
    priority: { type: 'integer' },
    userReason: maybeStr,
    enabled: { type: 'boolean' },
    createdBy: str,
    createdAt: time,
    updatedAt: time,
  },
};

export const rulesSchema: SchemaObject = {
  type: 'object',
  properties: { rules: { type: 'array', items: ruleSchema } },
};

export const ruleDeletedSchema: SchemaObject = {
  type: 'object',
  properties: { id: str, deleted: { type: 'boolean' } },
};

export const crisisReportSchema: SchemaObject = {
  type: 'object',
  description: 'Crisis protocol replies and referrals of a year (UTC); nothing names anyone',
  properties: {
    year: { type: 'integer' },
    generatedAt: time,
    events: { type: 'integer', description: 'crisis protocol replies' },
    referrals: { type: 'integer', description: 'of those, the ones that gave crisis resources' },
    breakdown: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          month: { type: 'string', example: '2026-03' },
          level: str,
          category: str,
          locale: str,
          events: { type: 'integer' },
          referrals: { type: 'integer' },
        },
      },
    },
  },
};
