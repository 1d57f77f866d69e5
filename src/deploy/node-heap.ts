import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kustomize, overlayDir, type Manifest } from './kustomize.js';

/**
 * The V8 heap a Deployment gives the service: the flags of its app container's NODE_OPTIONS
 * (k8s/base/gateway.yaml, worker.yaml), read from a built overlay. The manifests' tests hold them
 * inside the container's memory limit; the benches start the service with them, so that their
 * memory figures are those of a pod and not of a process left to a large machine's defaults.
 */
export interface NodeHeap {
  /** NODE_OPTIONS split into flags, in order. */
  flags: string[];
  maxOldSpaceMiB: number | null;
  maxSemiSpaceMiB: number | null;
  /** The container's memory limit in MiB. */
  memoryLimitMiB: number;
}

interface Container {
  env?: Array<{ name: string; value?: string }>;
  resources?: { limits?: { memory?: string } };
}

export function nodeHeapOf(ms: Manifest[], deployment: string): NodeHeap {
  const d = ms.find((m) => m.kind === 'Deployment' && m.metadata.name === deployment) as
    { spec: { template: { spec: { containers: Container[] } } } } | undefined;
  if (!d) throw new Error(`the manifests have no Deployment/${deployment}`);
  const [app] = d.spec.template.spec.containers;
  const options = app.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  const flags = options.split(/\s+/).filter(Boolean);
  const limit = app.resources?.limits?.memory;
  if (!limit) throw new Error(`${deployment} has no memory limit`);
  return {
    flags,
    maxOldSpaceMiB: flagMiB(flags, '--max-old-space-size'),
    maxSemiSpaceMiB: flagMiB(flags, '--max-semi-space-size'),
    memoryLimitMiB: mebibytes(limit),
  };
}

/** The flags of each role's Deployment in an overlay (production unless said), built once. */
export function deploymentNodeFlags(
  options: { overlay?: string; root?: string } = {},
): Record<'gateway' | 'worker', string[]> {
  const ms = kustomize(overlayDir(options.overlay ?? 'production', options.root));
  return {
    gateway: nodeHeapOf(ms, 'companion-gateway').flags,
    worker: nodeHeapOf(ms, 'companion-worker').flags,
  };
}

/**
 * The flags the image's command gives node (the Dockerfile's last `CMD ["node", <flags>,
 * <script>]`): V8 flags, which Node refuses in NODE_OPTIONS (src/v8-flags.ts says why each).
 * The benches start the service with them, as its pods start.
 */
export function imageNodeFlags(root = process.cwd()): string[] {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const cmd = [...dockerfile.matchAll(/^CMD\s+(\[.*\])\s*$/gm)].at(-1)?.[1];
  if (!cmd) throw new Error('the Dockerfile has no CMD in exec form');
  const argv = JSON.parse(cmd) as string[];
  if (argv[0] !== 'node') throw new Error(`the image's command is not node: ${cmd}`);
  return argv.slice(1).filter((a) => a.startsWith('--'));
}

function flagMiB(flags: string[], name: string): number | null {
  const flag = flags.find((f) => f.startsWith(`${name}=`));
  if (!flag) return null;
  const n = Number(flag.slice(name.length + 1));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} is not a size in MiB`);
  return n;
}

const UNITS: Record<string, number> = {
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  K: 1e3 / 2 ** 20,
  M: 1e6 / 2 ** 20,
  G: 1e9 / 2 ** 20,
};

/** A Kubernetes memory quantity (`768Mi`, `1Gi`, `1G`, bytes) in MiB. */
export function mebibytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]i?)?$/.exec(quantity.trim());
  if (!m) throw new Error(`${quantity} is not a memory quantity`);
  return m[2] ? Number(m[1]) * UNITS[m[2]] : Number(m[1]) / 2 ** 20;
}
