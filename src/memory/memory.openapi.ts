import type { SchemaObject } from '../openapi/openapi.decorators.js';

/** The shapes the user's memory API answers with, for the OpenAPI document (docs/user-api.md). */

const time: SchemaObject = { type: 'string', format: 'date-time' };

export const memorySchema: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['fact', 'person', 'preference', 'event', 'plan', 'episode'] },
    text: { type: 'string' },
    language: { type: 'string' },
    importance: { type: 'number' },
    emotionalIntensity: { type: 'number' },
    sensitive: { type: 'boolean' },
    core: { type: 'boolean' },
    about: {
      type: 'object',
      nullable: true,
      properties: { from: time, to: time },
    },
    validUntil: { ...time, nullable: true },
    supersededBy: { type: 'string', nullable: true },
    origin: { type: 'string', enum: ['extraction', 'user'] },
    learntAt: time,
    updatedAt: time,
    sources: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          messageId: { type: 'string' },
          conversationId: { type: 'string' },
          seq: { type: 'integer' },
          role: { type: 'string' },
          text: { type: 'string' },
          at: time,
        },
      },
    },
  },
};

export const forgetSchema: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    scope: { type: 'string', enum: ['topic', 'last'] },
    topic: { type: 'string', nullable: true },
    messages: { type: 'integer' },
    memories: { type: 'integer', nullable: true },
    at: time,
    undoUntil: time,
    undoneAt: { ...time, nullable: true },
    undoable: { type: 'boolean' },
  },
};
