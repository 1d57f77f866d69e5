import { rulesFromScaledObject } from './autoscaler.js';
import type { Manifest } from '../deploy/kustomize.js';
import type { Fleet, GatewayAssumptions, ModelAssumptions } from './simulate.js';

/* The fields read here, as the YAML gives them. */
interface Container {
  name: string;
  args?: string[];
  resources: { requests: { cpu: string | number } };
}
interface DeploymentDoc {
  spec: { template: { spec: { containers: Container[] } } };
}

function find<T>(ms: Manifest[], kind: string, name: string): T {
  const m = ms.find((r) => r.kind === kind && r.metadata.name === name);
  if (!m) throw new Error(`the manifests have no ${kind}/${name}`);
  return m as unknown as T;
}

/** CPU quantity in cores: `500m` or `2`. */
export function cores(q: string | number): number {
  const s = String(q);
  return s.endsWith('m') ? Number(s.slice(0, -1)) / 1000 : Number(s);
}

/**
 * What the simulation takes from a built overlay: the vLLM and gateway ScaledObjects' rules,
 * vLLM's batch size (--max-num-seqs), the gateway's CPU request and its model gate
 * (LLM_MAX_CONCURRENT, LLM_MAX_WAITING). Nothing here restates a figure the manifests hold.
 */
export function fleetFromManifests(ms: Manifest[]): {
  fleet: Fleet;
  concurrencyKnee: number;
  gateway: Pick<GatewayAssumptions, 'cpuRequestCores' | 'maxConcurrent' | 'maxWaiting'>;
} {
  const vllm = find<DeploymentDoc>(ms, 'Deployment', 'vllm').spec.template.spec.containers;
  const seqs = vllm
    .find((c) => c.name === 'vllm')
    ?.args?.find((a) => a.startsWith('--max-num-seqs='));
  if (!seqs) throw new Error('vllm has no --max-num-seqs: the knee would be a guess');
  const gw = find<DeploymentDoc>(ms, 'Deployment', 'companion-gateway').spec.template.spec
    .containers[0];
  const config = find<{ data: Record<string, string> }>(ms, 'ConfigMap', 'companion-config').data;
  return {
    fleet: {
      vllm: rulesFromScaledObject(find(ms, 'ScaledObject', 'vllm')),
      gateway: rulesFromScaledObject(find(ms, 'ScaledObject', 'companion-gateway')),
    },
    concurrencyKnee: Number(seqs.split('=')[1]),
    gateway: {
      cpuRequestCores: cores(gw.resources.requests.cpu),
      maxConcurrent: Number(config.LLM_MAX_CONCURRENT),
      maxWaiting: Number(config.LLM_MAX_WAITING),
    },
  };
}

/** The per-GPU and per-pod figures the manifests do not hold (docs/scaling.md, assumptions). */
export const DEFAULT_MODEL: Omit<ModelAssumptions, 'concurrencyKnee'> = {
  tokensPerSec: 2400,
  outputTokensPerTurn: 220,
  kvUsageAtKnee: 0.9,
  coldStartSec: 480,
};

export const DEFAULT_GATEWAY: Omit<
  GatewayAssumptions,
  'cpuRequestCores' | 'maxConcurrent' | 'maxWaiting'
> = {
  cpuMsPerTurn: 6,
  connectionsPerTurnPerSec: 120,
  startSec: 30,
};
