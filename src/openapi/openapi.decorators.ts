import { applyDecorators } from '@nestjs/common';
import {
  type SchemaObject,
  ApiBearerAuth,
  ApiBody,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';

export type { SchemaObject };

/** The bearer scheme's name in the document. */
export const BEARER = 'bearer';

/** A controller of the HTTP API: its tag, and the bearer token every route of it needs. */
export function ApiController(tag: string) {
  return applyDecorators(ApiTags(tag), ApiBearerAuth(BEARER));
}

/**
 * The JSON Schema (OpenAPI 3.0 dialect) of what a zod schema accepts: bodies and queries are
 * described from the schemas that validate them, so the document says what the code checks.
 */
export function schemaOf(schema: z.ZodType): SchemaObject {
  return z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
  }) as SchemaObject;
}

/** `{code, message}`: every HTTP error of the service, `code` one of `codes`. */
export function errorSchema(codes: string[]): SchemaObject {
  return {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'string', enum: codes },
      message: { type: 'string' },
    },
  };
}

/** A 429's body also says when to ask again (a `Retry-After` header too). */
function rateLimitedSchema(codes: string[]): SchemaObject {
  const schema = errorSchema(codes);
  return {
    ...schema,
    properties: { ...schema.properties, retryAfterMs: { type: 'integer', minimum: 0 } },
  };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'No valid token',
  403: 'The token may not call this',
  404: 'Not found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Body too large',
  429: 'Too many requests',
};

/** The errors a route answers, by status, each with its stable codes. */
export function ApiErrors(byStatus: Partial<Record<number, string[]>>) {
  return applyDecorators(
    ...Object.entries(byStatus).map(([status, codes]) =>
      ApiResponse({
        status: Number(status),
        description: `${STATUS_TEXT[Number(status)] ?? 'Error'}: ${codes!.map((c) => `\`${c}\``).join(', ')}`,
        schema: Number(status) === 429 ? rateLimitedSchema(codes!) : errorSchema(codes!),
      }),
    ),
  );
}

/** A JSON body validated by `schema`. */
export function ApiJsonBody(schema: z.ZodType, required = true) {
  return ApiBody({ required, schema: schemaOf(schema) });
}

/** Each field of a query validated by the object schema `schema`, as its own parameter. */
export function ApiQueryOf(schema: z.ZodType) {
  const json = schemaOf(schema);
  const required = new Set(json.required ?? []);
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, property]) =>
      ApiQuery({
        name,
        required: required.has(name),
        schema: property as SchemaObject,
        description: (property as SchemaObject).description,
      }),
    ),
  );
}

/** A path parameter that must be a UUID (else 400 `invalid_id`). */
export function ApiUuidParam(name: string, description: string) {
  return ApiParam({ name, description, schema: { type: 'string', format: 'uuid' } });
}

/** A path parameter naming a user: the id the identity provider gives (the JWT's `sub`). */
export function ApiUserIdParam(name = 'userId') {
  return ApiParam({
    name,
    description: "the user's id (the `sub` of their token)",
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:@|-]{1,128}$' },
  });
}

/** A success answer with a JSON body. */
export function ApiJson(status: number, description: string, schema: SchemaObject) {
  return ApiResponse({ status, description, schema });
}
