import type { SchemaObject } from '../openapi/openapi.decorators.js';

/** The shapes the user's account API answers with, for the OpenAPI document (docs/user-api.md). */

const time: SchemaObject = { type: 'string', format: 'date-time' };

export const conversationPageSchema: SchemaObject = {
  type: 'object',
  properties: {
    conversations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string', nullable: true },
          lastSeq: { type: 'integer' },
          messageCount: { type: 'integer' },
          lastMessageAt: time,
          createdAt: time,
        },
      },
    },
    next: { type: 'string', nullable: true, description: 'pass as `cursor` for the next page' },
  },
};

export const deletionSchema: SchemaObject = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['pending', 'running', 'done', 'failed'] },
    requestedAt: time,
    finishedAt: { ...time, nullable: true },
    deleted: {
      type: 'object',
      nullable: true,
      description: 'rows deleted per table',
      additionalProperties: { type: 'integer' },
    },
  },
};

export const exportLineSchema: SchemaObject = {
  type: 'object',
  description:
    'One line of the NDJSON export; the first is `export`, the last `end` (or `error` when it ' +
    'stopped part way)',
  required: ['type'],
  properties: { type: { type: 'string' } },
  additionalProperties: true,
};
