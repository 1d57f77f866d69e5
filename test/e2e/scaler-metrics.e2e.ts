import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { kustomize, overlayDir } from '../../src/deploy/kustomize.js';
import { promqlMetricNames } from '../../src/deploy/promql.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The autoscalers read the service's own metrics by name: a renamed metric would leave a
 * ScaledObject reading nothing (and the fleet at its floor) without any error. Every metric a
 * ScaledObject's query names, other than vLLM's own, must be in the booted app's /metrics with a
 * sample.
 */
const queries = ['small', 'production'].flatMap((overlay) =>
  kustomize(overlayDir(overlay))
    .filter((m) => m.kind === 'ScaledObject')
    .flatMap(
      (m) =>
        (m.spec as { triggers: Array<{ type: string; metadata: { query?: string } }> }).triggers,
    )
    .filter((t) => t.type === 'prometheus')
    .map((t) => t.metadata.query!),
);
const ours = [...new Set(queries.flatMap(promqlMetricNames))].filter((n) => !n.startsWith('vllm:'));

let app: TestApp;
const prefix = uniquePrefix('scalers');

beforeAll(async () => {
  // Redis as in a deployment: the queue depth is BullMQ's.
  app = await startTestApp({ REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix });
});
afterAll(async () => {
  await app?.close();
  await deleteKeys(testRedisUrl(), prefix);
});

describe('the metrics the autoscalers read', () => {
  it('are named by the ScaledObjects (the gateway line, connections and the queue)', () => {
    expect(ours.sort()).toEqual([
      'companion_llm_requests_waiting',
      'companion_queue_depth',
      'companion_socket_connections',
    ]);
  });

  it('are exported by the service, each with a sample', async () => {
    const res = await fetch(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const name of ours) {
      const sample = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
      expect([name, sample !== null]).toEqual([name, true]);
      expect([name, Number.isFinite(Number(sample![2]))]).toEqual([name, true]);
    }
  });

  it('carry the labels the queries match on (Prometheus adds namespace)', async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const matchers = queries.flatMap((q) =>
      [...q.matchAll(/(companion_[a-z_]+)\{([^}]*)\}/g)].flatMap(([, name, inner]) =>
        [...inner.matchAll(/(\w+)="([^"]*)"/g)]
          .filter(([, label]) => label !== 'namespace')
          .map(([, label, value]) => ({ name: name, label: label, value: value })),
      ),
    );
    expect(matchers).toContainEqual({
      name: 'companion_queue_depth',
      label: 'queue',
      value: 'companion',
    });
    for (const m of matchers) {
      const line = new RegExp(`^${m.name}\\{[^}]*${m.label}="${m.value}"[^}]*\\} \\d+$`, 'm');
      expect([m, line.test(text)]).toEqual([m, true]);
    }
  });
});
