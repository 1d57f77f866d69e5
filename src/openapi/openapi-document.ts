import type { INestApplication } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AppConfig } from '../config/app-config.js';
import { BEARER } from './openapi.decorators.js';
import { OperatorRolesGuard, routeRoles } from '../moderation/operator-roles.guard.js';
import { OperatorGuard, operatorGuardRoles } from '../operator/operator.guard.js';

/** Where the document is served. */
export const OPENAPI_PATH = '/openapi.json';

const operationId = (controller: string, method: string) => `${controller}_${method}`;

/**
 * The OpenAPI 3 document of the HTTP API under `/v1` (the user's API and the operator API;
 * health and metrics are left out), built from the controllers' decorators. Each operator
 * operation carries `x-roles`: the roles its guard lets through, read from the same metadata
 * the guard reads, so the document cannot promise what the guard refuses.
 */
export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const base = new DocumentBuilder()
    .setTitle('Companion backend')
    .setDescription(
      "The user's API (`/v1/me`) and the operator API (`/v1/operator`). Every request carries " +
        '`Authorization: Bearer <JWT>`; every error is `{code, message}` with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER)
    .build();
  const document = SwaggerModule.createDocument(app, base, { operationIdFactory: operationId });
  document.paths = Object.fromEntries(
    Object.entries(document.paths).filter(([path]) => path.startsWith('/v1/')),
  );
  const roles = rolesByOperation(app, config);
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      const allowed = operation?.operationId && roles.get(operation.operationId);
      if (operation && allowed) Object.assign(operation, { 'x-roles': allowed });
    }
  }
  return document;
}

/** Serves the document at OPENAPI_PATH, built once, before the app starts listening. */
export function serveOpenApi(app: INestApplication, config: AppConfig): void {
  const document = buildOpenApiDocument(app, config);
  app.getHttpAdapter().get(OPENAPI_PATH, (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(document);
  });
}

/** The roles each operator route's guard lets through, by operation id. */
function rolesByOperation(app: INestApplication, config: AppConfig): Map<string, string[]> {
  const reflector = new Reflector();
  const found = new Map<string, string[]>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[key];
        if (typeof handler !== 'function' || key === 'constructor') continue;
        if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const guards = reflector.getAllAndMerge<unknown[]>(GUARDS_METADATA, [handler, controller]);
        let allowed: string[] | null = null;
        if (guards.includes(OperatorRolesGuard))
          allowed = routeRoles(reflector, handler, controller);
        else if (guards.includes(OperatorGuard)) allowed = operatorGuardRoles(config);
        if (allowed) found.set(operationId(controller.name, key), allowed);
      }
    }
  }
  return found;
}
