import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { tokenFor } from '../support/tokens.js';

/**
 * The OpenAPI document at /openapi.json, checked against the running app: every route the router
 * has under /v1/operator and /v1/me is in it, and every operator route refuses what its `x-roles`
 * does not name, as the document says.
 */

interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; schema?: { format?: string } }>;
  responses?: Record<string, unknown>;
  'x-roles'?: string[];
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
}
interface Route {
  method: string;
  /** The document's form: `/v1/operator/flags/{id}`. */
  path: string;
  operation: Operation;
}

/** Every role a token may carry here: the moderation roles, and OPERATOR_ROLE's default. */
const ROLES = ['moderator', 'admin', 'analyst', 'operator'];
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

let app: TestApp;
let doc: Document;

beforeAll(async () => {
  app = await startTestApp({ MEMORY_ENABLED: 'false', USER_API_RATE_LIMIT_PER_MINUTE: '600' });
  const res = await fetch(`${app.url}/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Document;
});
afterAll(() => app.close());

function routes(prefix: string): Route[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    path.startsWith(prefix)
      ? Object.entries(item)
          .filter(([method]) => METHODS.includes(method))
          .map(([method, operation]) => ({ method, path, operation }))
      : [],
  );
}

/** A concrete URL for a route: a syntactically valid id for each path parameter. */
function urlOf(route: Route): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const param = route.operation.parameters?.find((p) => p.in === 'path' && p.name === name);
    return param?.schema?.format === 'uuid' ? randomUUID() : `placeholder-${name}`;
  });
}

async function call(route: Route, token?: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${app.url}${urlOf(route)}`, {
    method: route.method.toUpperCase(),
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: route.method === 'get' ? undefined : '{}',
  });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { code?: string }).code;
  } catch {
    code = undefined;
  }
  return { status: res.status, code };
}

const label = (r: Route) => `${r.method.toUpperCase()} ${r.path}`;

/** The routes Express holds (Nest registers every controller route there), `:id` as `{id}`. */
function registeredRoutes(): string[] {
  interface Layer {
    route?: { path: string | string[]; methods: Record<string, boolean> };
  }
  const express = app.running.app.getHttpAdapter().getInstance() as {
    router?: { stack: Layer[] };
    _router?: { stack: Layer[] };
  };
  const stack = (express.router ?? express._router)?.stack ?? [];
  return stack.flatMap((layer) => {
    if (!layer.route) return [];
    const paths = [layer.route.path].flat();
    return paths.flatMap((path) =>
      Object.keys(layer.route!.methods)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}').replace(/\/$/, '')}`),
    );
  });
}

describe('the OpenAPI document', () => {
  it('is an OpenAPI 3 document whose every operation has a summary, a tag, responses and bearer security', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const schemes = doc.components?.securitySchemes ?? {};
    expect(Object.values(schemes)).toContainEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    const all = routes('/v1/');
    expect(all.length).toBeGreaterThan(10);
    for (const route of all) {
      const { operation } = route;
      expect({ route: label(route), summary: !!operation.summary }).toEqual({
        route: label(route),
        summary: true,
      });
      expect(operation.tags?.length).toBeGreaterThan(0);
      expect(Object.keys(operation.responses ?? {}).some((s) => s.startsWith('2'))).toBe(true);
      expect(operation.responses).toHaveProperty('401');
      expect(operation.security).toEqual([
        expect.objectContaining({ [Object.keys(schemes)[0]]: [] }),
      ]);
      for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
        expect(operation.parameters).toContainEqual(
          expect.objectContaining({ in: 'path', name: name.slice(1, -1) }),
        );
      }
    }
  });

  it('lists every route the app registers under /v1/operator and /v1/me', () => {
    const registered = registeredRoutes().filter((r) => / \/v1\/(operator|me)(\/|$)/.test(r));
    expect(registered.length).toBeGreaterThan(10);
    const documented = new Set(routes('/v1/').map(label));
    expect(registered.filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !registered.includes(r))).toEqual([]);
  });

  it('names the roles of every operator route, as the guards enforce them', () => {
    const byRoute = Object.fromEntries(
      routes('/v1/operator/').map((r) => [label(r), r.operation['x-roles']]),
    );
    for (const roles of Object.values(byRoute)) expect(Array.isArray(roles)).toBe(true);
    expect(byRoute['GET /v1/operator/audit']).toEqual(['admin']);
    expect(byRoute['GET /v1/operator/stats']).toEqual(['moderator', 'admin', 'analyst']);
    expect(byRoute['GET /v1/operator/queue']).toEqual(['moderator', 'admin']);
    expect(byRoute['GET /v1/operator/turns/{messageId}/trace']).toEqual([
      'moderator',
      'admin',
      'operator',
    ]);
  });

  it('documents the {code, message} error body with its codes', () => {
    const claim = doc.paths['/v1/operator/flags/{id}/claim'].post;
    expect(claim.responses!['409']).toMatchObject({
      content: {
        'application/json': {
          schema: {
            required: ['code', 'message'],
            properties: { code: { enum: ['already_claimed', 'flag_closed'] } },
          },
        },
      },
    });
  });
});

describe('every operator route, from the document', () => {
  it('refuses a request without a token: 401 unauthorized', async () => {
    const wrong: string[] = [];
    for (const route of routes('/v1/operator/')) {
      const { status, code } = await call(route);
      if (status !== 401 || code !== 'unauthorized')
        wrong.push(`${label(route)}: ${status} ${code}`);
    }
    expect(wrong).toEqual([]);
  });

  it("refuses a user's token: 403 forbidden", async () => {
    const user = tokenFor(`user-${randomUUID()}`);
    const wrong: string[] = [];
    for (const route of routes('/v1/operator/')) {
      const { status, code } = await call(route, user);
      if (status !== 403 || code !== 'forbidden') wrong.push(`${label(route)}: ${status} ${code}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses each role its x-roles does not name: 403 forbidden', async () => {
    const wrong: string[] = [];
    let calls = 0;
    for (const route of routes('/v1/operator/')) {
      for (const role of ROLES.filter((r) => !route.operation['x-roles']?.includes(r))) {
        const { status, code } = await call(route, tokenFor(`op-${role}`, { roles: [role] }));
        calls++;
        if (status !== 403 || code !== 'forbidden')
          wrong.push(`${label(route)} as ${role}: ${status} ${code}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(calls).toBeGreaterThan(10);
  });

  it('lets each role its x-roles names past the guard', async () => {
    const wrong: string[] = [];
    for (const route of routes('/v1/operator/')) {
      for (const role of route.operation['x-roles'] ?? []) {
        const { status, code } = await call(route, tokenFor(`op-${role}`, { roles: [role] }));
        if (status === 401 || status === 403 || status >= 500)
          wrong.push(`${label(route)} as ${role}: ${status} ${code}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe("every route of the user's API, from the document", () => {
  it('refuses a request without a token: 401 unauthorized', async () => {
    const wrong: string[] = [];
    for (const route of routes('/v1/me')) {
      const { status, code } = await call(route);
      if (status !== 401 || code !== 'unauthorized')
        wrong.push(`${label(route)}: ${status} ${code}`);
    }
    expect(wrong).toEqual([]);
  });
});
