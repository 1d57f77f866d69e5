/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call,
   @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument --
   the manifests are untyped YAML, read here field by field; the schemas type-check them. */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROLES } from '../config/config.schema.js';
import { TOKENIZER_BUILD_HEAP_MIB } from '../prompting/qwen-tokenizer.js';
import { parseRoutingFile } from '../routing/routing-config.js';
import {
  applyJsonPatch,
  baseDir,
  getField,
  kustomize,
  overlayDir,
  parseYamlDocuments,
  strategicMerge,
  type Manifest,
} from './kustomize.js';
import { V8_FLAGS } from '../v8-flags.js';
import { imageNodeFlags, mebibytes, nodeHeapOf } from './node-heap.js';
import { promqlMetricNames } from './promql.js';
import { validateManifest } from './validate-manifest.js';

const OVERLAYS = ['small', 'production'] as const;
const built = Object.fromEntries(OVERLAYS.map((o) => [o, kustomize(overlayDir(o))])) as Record<
  (typeof OVERLAYS)[number],
  Manifest[]
>;

const find = (ms: Manifest[], kind: string, name: string): any => {
  const m = ms.find((r) => r.kind === kind && r.metadata.name === name);
  if (!m) throw new Error(`no ${kind}/${name}`);
  return m;
};
const deployments = (ms: Manifest[]): any[] => ms.filter((m) => m.kind === 'Deployment');
const config = (ms: Manifest[]): Record<string, string> =>
  find(ms, 'ConfigMap', 'companion-config').data;
const containerOf = (d: any, name: string): any =>
  d.spec.template.spec.containers.find((c: any) => c.name === name);
const appImage = (d: any) =>
  d.spec.template.spec.containers.some((c: any) => c.image.includes('/companion/api:'));
const roleOf = (d: any): string | undefined =>
  d.spec.template.spec.containers[0].env?.find((e: any) => e.name === 'ROLE')?.value;

// One image for every overlay: its command carries the service's V8 flags.
it("starts the image's node with the service's V8 flags", () => {
  expect(imageNodeFlags()).toEqual([...V8_FLAGS]);
});

// The image's minimum young generation is every app Deployment's maximum: full size from the
// start and through quiet spells (src/v8-flags.ts), never above what the memory limit counts.
const imageMinSemiSpaceMiB = Number(
  V8_FLAGS.find((f) => f.startsWith('--min-semi-space-size='))?.split('=')[1],
);

describe.each(OVERLAYS)('the %s overlay', (overlay) => {
  const ms = built[overlay];

  it('validates every manifest against the Kubernetes, KEDA and Prometheus-operator schemas', () => {
    const problems = ms.flatMap((m) =>
      validateManifest(m).map((p) => `${m.kind}/${m.metadata.name}: ${p}`),
    );
    expect(problems).toEqual([]);
    expect(ms.length).toBeGreaterThan(10);
  });

  it('puts everything in the companion namespace, labelled as part of it', () => {
    for (const m of ms) {
      expect([m.metadata.name, m.metadata.namespace]).toEqual([m.metadata.name, 'companion']);
      expect(m.metadata.labels?.['app.kubernetes.io/part-of']).toBe('companion');
    }
  });

  it('runs the app image only in roles the code knows, a gateway and a worker', () => {
    const roles = deployments(ms).filter(appImage).map(roleOf);
    expect(roles.sort()).toEqual(['gateway', 'worker']);
    for (const r of roles) expect(ROLES).toContain(r);
  });

  it('gives the gateway a grace period longer than the preStop pause and the reply drain', () => {
    const gw = find(ms, 'Deployment', 'companion-gateway');
    const c = containerOf(gw, 'gateway');
    const pause = Number(c.lifecycle.preStop.exec.command[1]);
    const drainSec = Number(config(ms).SHUTDOWN_GRACE_MS) / 1000;
    expect(pause).toBeGreaterThanOrEqual(5);
    expect(gw.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      pause + drainSec + 5,
    );
  });

  it('gives every container requests, a memory limit and probes', () => {
    for (const d of deployments(ms)) {
      for (const c of d.spec.template.spec.containers) {
        const where = `${d.metadata.name}/${c.name}`;
        expect([where, Object.keys(c.resources.requests).sort()]).toEqual([
          where,
          expect.arrayContaining(['cpu', 'memory']),
        ]);
        expect([where, typeof c.resources.limits.memory]).toEqual([where, 'string']);
        expect([where, !!c.readinessProbe, !!c.livenessProbe]).toEqual([where, true, true]);
      }
    }
  });

  it("sizes the service's V8 heap inside each app container's memory limit", () => {
    for (const d of deployments(ms).filter(appImage)) {
      const heap = nodeHeapOf(ms, d.metadata.name);
      const where = d.metadata.name;
      expect([where, heap.maxOldSpaceMiB !== null, heap.maxSemiSpaceMiB !== null]).toEqual([
        where,
        true,
        true,
      ]);
      // The young generation is three semi-spaces at most (two and the new large objects'), and
      // the process that builds the tokenizer's tables at start has a heap of its own; a quarter
      // of the limit stays for code, Buffers, sockets and the allocator.
      const heapMiB = heap.maxOldSpaceMiB! + 3 * heap.maxSemiSpaceMiB! + TOKENIZER_BUILD_HEAP_MIB;
      expect([where, heapMiB <= 0.75 * heap.memoryLimitMiB]).toEqual([where, true]);
    }
  });

  it("gives each app container a young generation the image's minimum fills", () => {
    for (const d of deployments(ms).filter(appImage)) {
      const heap = nodeHeapOf(ms, d.metadata.name);
      expect([d.metadata.name, heap.maxSemiSpaceMiB]).toEqual([
        d.metadata.name,
        imageMinSemiSpaceMiB,
      ]);
    }
  });

  it('serves the model the service asks for, with LoRA, prefix caching and the reasoning parser', () => {
    const vllm = containerOf(find(ms, 'Deployment', 'vllm'), 'vllm');
    const args: string[] = vllm.args;
    const cfg = config(ms);
    expect(args).toEqual(
      expect.arrayContaining([
        '--enable-lora',
        '--enable-prefix-caching',
        '--reasoning-parser=qwen3',
        `${cfg.LLM_MODEL}=/adapters/${cfg.LLM_MODEL}`,
      ]),
    );
    expect(vllm.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(vllm.readinessProbe.httpGet.path).toBe('/health');
    // Weights and compile cache on the shared volume, so a restart neither downloads nor compiles.
    const env = Object.fromEntries(vllm.env.map((e: any) => [e.name, e.value]));
    const mount = vllm.volumeMounts.find((v: any) => v.name === 'cache').mountPath;
    expect(env.HF_HOME.startsWith(mount + '/')).toBe(true);
    expect(env.VLLM_CACHE_ROOT.startsWith(mount + '/')).toBe(true);
    expect(find(ms, 'Deployment', 'vllm').spec.template.spec.volumes[0]).toEqual({
      name: 'cache',
      persistentVolumeClaim: { claimName: 'vllm-cache' },
    });
    expect(find(ms, 'PersistentVolumeClaim', 'vllm-cache').spec.accessModes).toEqual([
      'ReadWriteMany',
    ]);

    const whisper = containerOf(find(ms, 'Deployment', 'whisper'), 'whisper');
    expect(whisper.args).toContain(`--served-model-name=${cfg.WHISPER_MODEL}`);
  });

  it('points the service at Services that exist, on their ports', () => {
    const cfg = config(ms);
    for (const key of ['LLM_BASE_URL', 'WHISPER_BASE_URL']) {
      const url = new URL(cfg[key]);
      const [name, ns] = url.hostname.split('.');
      expect(ns).toBe('companion');
      const svc = find(ms, 'Service', name);
      expect(svc.spec.ports.map((p: any) => p.port)).toContain(Number(url.port));
    }
    const ingress = find(ms, 'Ingress', 'companion');
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    expect(find(ms, 'Service', backend.name).spec.ports.map((p: any) => p.name)).toContain(
      backend.port.name,
    );
  });

  it('selects pods that a Deployment makes, in every Service, budget and monitor', () => {
    const podLabels = deployments(ms).map((d) => d.spec.template.metadata.labels);
    const selects = (sel: Record<string, string>) =>
      podLabels.some((l) => Object.entries(sel).every(([k, v]) => l[k] === v));
    for (const d of deployments(ms)) expect(selects(d.spec.selector.matchLabels)).toBe(true);
    for (const m of ms as any[]) {
      if (m.kind === 'Service')
        expect([m.metadata.name, selects(m.spec.selector)]).toEqual([m.metadata.name, true]);
      if (m.kind === 'PodDisruptionBudget' || m.kind === 'ServiceMonitor')
        expect([m.metadata.name, selects(m.spec.selector.matchLabels)]).toEqual([
          m.metadata.name,
          true,
        ]);
    }
  });

  it('scales every ScaledObject target, vLLM on the cron window, the line and the KV cache', () => {
    const sos = ms.filter((m) => m.kind === 'ScaledObject') as any[];
    expect(sos.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual([
      'companion-gateway',
      'companion-worker',
      'vllm',
    ]);
    for (const so of sos) find(ms, 'Deployment', so.spec.scaleTargetRef.name);

    const vllm = find(ms, 'ScaledObject', 'vllm');
    const cron = vllm.spec.triggers.find((t: any) => t.type === 'cron');
    expect(cron.metadata.timezone).toBe(config(ms).DEFAULT_TIME_ZONE);
    expect(cron.metadata.timezone).toBe('Asia/Shanghai');
    const queries = vllm.spec.triggers
      .filter((t: any) => t.type === 'prometheus')
      .map((t: any) => t.metadata.query as string);
    expect(queries.some((q: string) => q.includes('vllm:num_requests_waiting'))).toBe(true);
    expect(queries.some((q: string) => q.includes('vllm:kv_cache_usage_perc'))).toBe(true);

    for (const so of sos) {
      const b = so.spec.advanced.horizontalPodAutoscalerConfig.behavior;
      expect(b.scaleUp.stabilizationWindowSeconds).toBe(0);
      expect(b.scaleDown.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
      expect(b.scaleDown.policies).toEqual([
        { type: 'Pods', value: 1, periodSeconds: expect.any(Number) },
      ]);
      expect(so.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(so.spec.maxReplicaCount).toBeGreaterThan(so.spec.minReplicaCount);
    }
    // The cron window's replicas are within the range the autoscaler allows.
    expect(Number(cron.metadata.desiredReplicas)).toBeLessThanOrEqual(vllm.spec.maxReplicaCount);
    expect(Number(cron.metadata.desiredReplicas)).toBeGreaterThan(vllm.spec.minReplicaCount);
  });

  it('leaves no replica count on a Deployment the autoscaler owns', () => {
    for (const d of deployments(ms)) {
      const scaled = ms.some(
        (m: any) => m.kind === 'ScaledObject' && m.spec.scaleTargetRef.name === d.metadata.name,
      );
      if (scaled) expect([d.metadata.name, d.spec.replicas]).toEqual([d.metadata.name, undefined]);
    }
  });

  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  (kubectl.status === 0 ? it : it.skip)('builds what kubectl kustomize builds', () => {
    const out = spawnSync('kubectl', ['kustomize', overlayDir(overlay)], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    const key = (m: Manifest) => `${m.kind}/${m.metadata.name}`;
    const theirs = parseYamlDocuments(out.stdout, 'kubectl') as Manifest[];
    const sort = (a: Manifest[]) => [...a].sort((x, y) => key(x).localeCompare(key(y)));
    expect(sort(ms)).toEqual(sort(theirs));
  });
});

describe('the overlays', () => {
  it('differ where production is larger: vLLM range, database from CloudNativePG', () => {
    const small = find(built.small, 'ScaledObject', 'vllm').spec;
    const prod = find(built.production, 'ScaledObject', 'vllm').spec;
    expect([small.minReplicaCount, small.maxReplicaCount]).toEqual([1, 2]);
    expect([prod.minReplicaCount, prod.maxReplicaCount]).toEqual([2, 10]);
    expect(prod.triggers[0].metadata).toMatchObject({ desiredReplicas: '7' });

    const db = find(built.production, 'Cluster', 'companion-pg');
    expect(db.spec.instances).toBe(3);
    const gw = containerOf(find(built.production, 'Deployment', 'companion-gateway'), 'gateway');
    expect(gw.env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef).toEqual({
      name: `${db.metadata.name}-app`,
      key: 'uri',
    });
    expect(built.small.some((m) => m.kind === 'Cluster')).toBe(false);
    expect(find(built.small, 'Deployment', 'redis').spec.replicas).toBe(1);
  });

  it("give production's gateways a routing file the service accepts, its peak on vLLM's cron window", () => {
    const ms = built.production;
    const gw = containerOf(find(ms, 'Deployment', 'companion-gateway'), 'gateway');
    const path = gw.env.find((e: any) => e.name === 'ROUTING_CONFIG_FILE').value as string;
    const mount = gw.volumeMounts.find((v: any) => path.startsWith(`${v.mountPath}/`));
    const volume = find(ms, 'Deployment', 'companion-gateway').spec.template.spec.volumes.find(
      (v: any) => v.name === mount.name,
    );
    const data = find(ms, 'ConfigMap', volume.configMap.name).data;
    const parsed = parseRoutingFile(JSON.parse(data[path.slice(mount.mountPath.length + 1)]));
    if (!('file' in parsed)) throw new Error(parsed.problems.join('; '));
    const { file } = parsed;
    // Its endpoints are Services of the build, and its routes ask for what vLLM serves.
    for (const e of file.endpoints) {
      const url = new URL(e.baseUrl);
      expect(
        find(ms, 'Service', url.hostname.split('.')[0]).spec.ports.map((p: any) => p.port),
      ).toContain(Number(url.port));
    }
    const served = (containerOf(find(ms, 'Deployment', 'vllm'), 'vllm').args as string[]).join(' ');
    for (const r of file.routes) expect(served).toContain(`${r.model}=`);
    // The cheaper route takes over for free users in the window the GPUs are brought up for.
    const cron = find(ms, 'ScaledObject', 'vllm').spec.triggers.find((t: any) => t.type === 'cron');
    const at = (cronSpec: string) => {
      const [min, hour] = cronSpec.split(' ');
      return `${hour.padStart(2, '0')}:${min.padStart(2, '0')}`;
    };
    expect(file.policy.peak).toEqual({
      timeZone: cron.metadata.timezone,
      start: at(cron.metadata.start),
      end: at(cron.metadata.end),
    });
    expect(
      built.small.some((m) => m.kind === 'ConfigMap' && m.metadata.name === 'companion-routing'),
    ).toBe(false);
  });

  it('keep the example Secret valid and free of real values', () => {
    const file = join(baseDir(), 'secret.example.yaml');
    const secret = parse(readFileSync(file, 'utf8'));
    expect(validateManifest(secret)).toEqual([]);
    for (const [k, v] of Object.entries(secret.stringData as Record<string, string>)) {
      expect([k, v === '' || v.includes('CHANGE_ME')]).toEqual([k, true]);
    }
  });
});

describe('the manifest checks', () => {
  it('read memory quantities in MiB', () => {
    expect(mebibytes('768Mi')).toBe(768);
    expect(mebibytes('1Gi')).toBe(1024);
    expect(mebibytes('512Ki')).toBe(0.5);
    expect(mebibytes('1048576')).toBe(1);
    expect(() => mebibytes('1 gigabyte')).toThrow(/not a memory quantity/);
  });

  it('catch a wrong type and a missing required field', () => {
    const gw = structuredClone(find(built.small, 'Deployment', 'companion-gateway'));
    gw.spec.template.spec.terminationGracePeriodSeconds = 'forty';
    expect(validateManifest(gw).join()).toMatch(/terminationGracePeriodSeconds must be integer/);
    const so = structuredClone(find(built.small, 'ScaledObject', 'vllm'));
    delete so.spec.triggers[0].type;
    expect(validateManifest(so).join()).toMatch(/triggers\/0 must have required property type/);
    const db = structuredClone(find(built.production, 'Cluster', 'companion-pg'));
    db.spec.instance = 3;
    expect(validateManifest(db).join()).toMatch(/Unrecognized key/);
    expect(validateManifest({ apiVersion: 'x/v1', kind: 'Y', metadata: { name: 'z' } })).toEqual([
      'no schema for x/v1/Y',
    ]);
  });
});

describe('kustomize', () => {
  it('merges containers and env by name and replaces other lists', () => {
    const base = {
      containers: [{ name: 'a', env: [{ name: 'X', value: '1' }], args: ['--p'] }],
    };
    const patch = {
      containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }], args: ['--q'] }],
    };
    expect(strategicMerge(base, patch, '')).toEqual({
      containers: [
        {
          name: 'a',
          env: [
            { name: 'Y', value: '2' },
            { name: 'X', value: '1' },
          ],
          args: ['--q'],
        },
      ],
    });
  });

  it('applies JSON patches and refuses a path that is not there', () => {
    const doc = { spec: { triggers: [{ metadata: { n: '1' } }] } };
    expect(
      applyJsonPatch(doc, [{ op: 'replace', path: '/spec/triggers/0/metadata/n', value: '7' }]),
    ).toEqual({ spec: { triggers: [{ metadata: { n: '7' } }] } });
    expect(doc.spec.triggers[0].metadata.n).toBe('1');
    expect(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/nope/x', value: 1 }])).toThrow(
      /no \/spec\/nope\/x/,
    );
  });

  it('reads fields through list selectors', () => {
    const so = {
      spec: {
        triggers: [
          { type: 'a', v: 1 },
          { type: 'cron', v: 2 },
        ],
      },
    };
    expect(getField(so, 'spec.triggers.[type=cron].v')).toBe(2);
  });
});

describe('promqlMetricNames', () => {
  it('finds the metrics of a query, not its words, labels or strings', () => {
    expect(
      promqlMetricNames(
        'max(companion_queue_depth{namespace="companion",queue="a_b"}) + sum by (pod) (rate(vllm:x_total[5m]))',
      ),
    ).toEqual(['companion_queue_depth', 'vllm:x_total']);
  });
});
