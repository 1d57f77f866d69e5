import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { z } from 'zod';
import type { Manifest } from './kustomize.js';

interface Validatable {
  validate(): void;
}
type Model = new (data: never) => Validatable;

/** Kubernetes, KEDA and Prometheus-operator kinds, checked against their published schemas. */
const MODELS: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
};

const quantity = z.union([z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/), z.number()]);
const secretKey = z.object({ name: z.string().min(1), key: z.string().min(1) }).strict();

/**
 * CloudNativePG's `Cluster`, for the fields this repository uses: no schema package is at hand,
 * so this one is strict (an unknown or misspelt field fails) and follows the operator's API
 * reference for postgresql.cnpg.io/v1.
 */
const cnpgCluster = z
  .object({
    apiVersion: z.literal('postgresql.cnpg.io/v1'),
    kind: z.literal('Cluster'),
    metadata: z
      .object({
        name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
        namespace: z.string().optional(),
        labels: z.record(z.string(), z.string()).optional(),
      })
      .strict(),
    spec: z
      .object({
        instances: z.number().int().min(1),
        imageName: z.string().min(1).optional(),
        primaryUpdateStrategy: z.enum(['unsupervised', 'supervised']).optional(),
        bootstrap: z
          .object({
            initdb: z.object({ database: z.string(), owner: z.string() }).strict(),
          })
          .strict()
          .optional(),
        postgresql: z
          .object({ parameters: z.record(z.string(), z.string()) })
          .strict()
          .optional(),
        storage: z.object({ size: quantity, storageClass: z.string().optional() }).strict(),
        walStorage: z
          .object({ size: quantity, storageClass: z.string().optional() })
          .strict()
          .optional(),
        resources: z
          .object({
            requests: z.record(z.string(), quantity).optional(),
            limits: z.record(z.string(), quantity).optional(),
          })
          .strict()
          .optional(),
        affinity: z.object({ topologyKey: z.string() }).strict().optional(),
        monitoring: z.object({ enablePodMonitor: z.boolean() }).strict().optional(),
        backup: z
          .object({
            retentionPolicy: z
              .string()
              .regex(/^[1-9][0-9]*[dwm]$/)
              .optional(),
            barmanObjectStore: z
              .object({
                destinationPath: z.string().min(1),
                s3Credentials: z
                  .object({ accessKeyId: secretKey, secretAccessKey: secretKey })
                  .strict(),
                wal: z
                  .object({ compression: z.enum(['gzip', 'bzip2', 'snappy']) })
                  .strict()
                  .optional(),
              })
              .strict(),
          })
          .strict()
          .optional(),
      })
      .strict(),
  })
  .strict();

/** What is wrong with a manifest against its kind's schema; empty when nothing is. */
export function validateManifest(m: Manifest): string[] {
  const key = `${m.apiVersion}/${m.kind}`;
  if (key === 'postgresql.cnpg.io/v1/Cluster') {
    const parsed = cnpgCluster.safeParse(m);
    return parsed.success
      ? []
      : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  }
  const Model = MODELS[key];
  if (!Model) return [`no schema for ${key}`];
  try {
    new Model(m as never).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}
