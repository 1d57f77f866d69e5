import type { SchemaObject } from '../openapi/openapi.decorators.js';

/** The shapes the analytics API answers with, for the OpenAPI document (docs/analytics.md). */

const int: SchemaObject = { type: 'integer' };
const maybeInt: SchemaObject = { type: 'integer', nullable: true };
const maybeNum: SchemaObject = { type: 'number', nullable: true };

export const metadataSchema: SchemaObject = {
  type: 'object',
  description: 'What the answer is: definition version, time zone, events, mode, range, filters',
  properties: {
    definitionVersion: { type: 'string' },
    dataset: { type: 'string' },
    timeZone: { type: 'string' },
    from: { type: 'string', format: 'date' },
    to: { type: 'string', format: 'date' },
    dataThrough: { type: 'string', format: 'date', nullable: true },
    generatedAt: { type: 'string', format: 'date-time' },
    cohortEvent: { type: 'string' },
    returnEvent: { type: 'string' },
    mode: { type: 'string', enum: ['calendar', 'rolling'] },
    return: { type: 'string', enum: ['on', 'on_or_after'] },
    cohorts: { type: 'string', enum: ['first_time', 'recurring'] },
    granularity: { type: 'string', enum: ['day', 'week', 'month'] },
    offsets: { type: 'array', items: int },
    breakdowns: { type: 'array', items: { type: 'string' } },
    filters: { type: 'object', additionalProperties: true },
  },
};

export const retentionSchema: SchemaObject = {
  type: 'object',
  properties: {
    metadata: metadataSchema,
    rows: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          cohort: {
            type: 'string',
            format: 'date',
            description: "first day of the cohort's period",
          },
          dimension: { type: 'string', description: '`all` or the breakdown' },
          value: { type: 'string' },
          size: int,
          offset: int,
          returned: { ...maybeInt, description: 'null while the period has not elapsed' },
          rate: maybeNum,
        },
      },
    },
  },
};

export const activitySchema: SchemaObject = {
  type: 'object',
  properties: {
    metadata: metadataSchema,
    days: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          day: { type: 'string', format: 'date' },
          dau: int,
          wau: int,
          mau: int,
          stickiness: maybeNum,
          messages: int,
          voiceMessages: int,
          sessions: int,
          thumbsUp: maybeInt,
          thumbsDown: maybeInt,
          regenerates: maybeInt,
          crisisReferrals: int,
          noticesShown: int,
          minorsActive: int,
          minorsLateNight: int,
        },
      },
    },
    totals: { type: 'object', additionalProperties: true },
    sessions: { type: 'object', additionalProperties: true },
    guardrails: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
};
