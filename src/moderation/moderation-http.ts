import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_ID = /^[A-Za-z0-9._:@|-]{1,128}$/;

/** Parses a body or query with its schema, or 400 `invalid_payload` saying which field. */
export function parseHttp<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  throw new BadRequestException({
    code: 'invalid_payload',
    message: `${where}${first?.message ?? 'invalid'}`,
  });
}

export function uuidParam(name: string, value: string): string {
  if (!UUID.test(value))
    throw new BadRequestException({ code: 'invalid_id', message: `${name} must be a UUID` });
  return value;
}

export function userIdParam(value: string): string {
  if (!USER_ID.test(value))
    throw new BadRequestException({ code: 'invalid_id', message: 'userId is not a user id' });
  return value;
}
