import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * A small kustomize: enough of `kubectl kustomize` to build this repository's overlays without a
 * binary or a cluster (resources, namespace, labels, strategic-merge and JSON patches,
 * replacements). A kustomization field it does not know stops the build, so an overlay can
 * never use a feature that this builder would silently skip. Not part of the service's runtime:
 * the manifests' tests and the capacity simulation use it.
 */
export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

type Json = unknown;
type JsonObject = Record<string, Json>;

interface Target {
  kind?: string;
  name?: string;
}
interface Patch {
  path?: string;
  patch?: string;
  target?: Target;
}
interface Replacement {
  source: { kind: string; name: string; fieldPath: string };
  targets: Array<{ select: Target; fieldPaths: string[] }>;
}
interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  labels?: Array<{ pairs: Record<string, string>; includeSelectors?: boolean }>;
  resources?: string[];
  patches?: Patch[];
  replacements?: Replacement[];
}

const KNOWN_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'labels',
  'resources',
  'patches',
  'replacements',
]);

/** Every YAML document in `text` (empty ones skipped); a syntax error names the file. */
export function parseYamlDocuments(text: string, source: string): JsonObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0].message}`);
    const value = doc.toJS() as Json;
    if (value === null || value === undefined) return [];
    if (!isObject(value)) throw new Error(`${source}: a document is not a mapping`);
    return [value];
  });
}

/** The resources `kubectl kustomize dir` would print, in the order they were declared. */
export function kustomize(dir: string): Manifest[] {
  const file = join(dir, 'kustomization.yaml');
  const [k] = parseYamlDocuments(readFileSync(file, 'utf8'), file) as Kustomization[];
  if (!k) throw new Error(`${file}: empty`);
  for (const field of Object.keys(k)) {
    if (!KNOWN_FIELDS.has(field)) throw new Error(`${file}: field ${field} is not supported`);
  }
  let resources: Manifest[] = [];
  for (const entry of k.resources ?? []) {
    const path = resolve(dir, entry);
    if (statSync(path).isDirectory()) resources.push(...kustomize(path));
    else resources.push(...(parseYamlDocuments(readFileSync(path, 'utf8'), path) as Manifest[]));
  }
  for (const p of k.patches ?? []) resources = applyPatch(resources, p, dir, file);
  if (k.namespace) {
    for (const r of resources) r.metadata.namespace = k.namespace;
  }
  for (const l of k.labels ?? []) {
    if (l.includeSelectors) throw new Error(`${file}: labels with includeSelectors unsupported`);
    for (const r of resources) r.metadata.labels = { ...r.metadata.labels, ...l.pairs };
  }
  for (const rep of k.replacements ?? []) applyReplacement(resources, rep, file);
  return resources;
}

function applyPatch(resources: Manifest[], p: Patch, dir: string, file: string): Manifest[] {
  const text = p.path ? readFileSync(resolve(dir, p.path), 'utf8') : p.patch;
  if (text === undefined) throw new Error(`${file}: a patch needs path or patch`);
  const docs = parseAllDocuments(text).map((d) => d.toJS() as Json);
  if (docs.length === 1 && Array.isArray(docs[0])) {
    const ops = docs[0] as JsonPatchOp[];
    const matched = resources.filter((r) => p.target && matches(r, p.target));
    if (!matched.length) throw new Error(`${file}: JSON patch matches no resource`);
    return resources.map((r) => (matched.includes(r) ? applyJsonPatch(r, ops) : r));
  }
  let out = resources;
  for (const doc of docs) {
    if (!isObject(doc)) throw new Error(`${file}: a strategic-merge patch is not a mapping`);
    const patch = doc as Manifest;
    const target = p.target ?? { kind: patch.kind, name: patch.metadata?.name };
    const i = out.findIndex((r) => matches(r, target));
    if (i < 0) throw new Error(`${file}: patch for ${target.kind}/${target.name} matches nothing`);
    out = out.map((r, j) => (j === i ? (strategicMerge(r, patch, '') as Manifest) : r));
  }
  return out;
}

function matches(r: Manifest, t: Target): boolean {
  return (!t.kind || r.kind === t.kind) && (!t.name || r.metadata.name === t.name);
}

/** The merge key of core lists by field name; other lists are replaced whole (as for CRDs). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
};

export function strategicMerge(base: Json, patch: Json, field: string): Json {
  if (isObject(patch) && '$patch' in patch) throw new Error('$patch directives unsupported');
  if (isObject(base) && isObject(patch)) {
    const out: JsonObject = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      out[key] = value === null ? undefined : strategicMerge(base[key], value, key);
      if (out[key] === undefined) delete out[key];
    }
    return out;
  }
  const key = MERGE_KEYS[field];
  if (key && Array.isArray(base) && Array.isArray(patch)) {
    // Items the patch adds come first, in the patch's order, as kustomize writes them.
    const merged = (base as JsonObject[]).map((b) => {
      const p = (patch as JsonObject[]).find((item) => item[key] === b[key]);
      return p ? (strategicMerge(b, p, '') as JsonObject) : b;
    });
    const added = (patch as JsonObject[]).filter(
      (item) => !(base as JsonObject[]).some((b) => b[key] === item[key]),
    );
    return [...structuredClone(added), ...merged];
  }
  return structuredClone(patch);
}

interface JsonPatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: Json;
}

export function applyJsonPatch<T>(doc: T, ops: JsonPatchOp[]): T {
  const out = structuredClone(doc) as Json;
  for (const { op, path, value } of ops) {
    const keys = path
      .split('/')
      .slice(1)
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = keys.pop();
    if (last === undefined) throw new Error(`JSON patch path ${path} is empty`);
    let parent = out;
    for (const k of keys) {
      parent = (parent as JsonObject)[k];
      if (parent === undefined || parent === null) throw new Error(`no ${path} to patch`);
    }
    const container = parent as JsonObject;
    if (Array.isArray(container) && op === 'add') {
      const i = last === '-' ? container.length : Number(last);
      (container as Json[]).splice(i, 0, value);
    } else if (op === 'remove' || op === 'replace') {
      if (!(last in container)) throw new Error(`no ${path} to ${op}`);
      if (op === 'remove') {
        if (Array.isArray(container)) (container as Json[]).splice(Number(last), 1);
        else delete container[last];
      } else container[last] = value;
    } else container[last] = value;
  }
  return out as T;
}

function applyReplacement(resources: Manifest[], rep: Replacement, file: string): void {
  const source = resources.find((r) => matches(r, rep.source));
  if (!source) throw new Error(`${file}: replacement source ${rep.source.name} not found`);
  const value = getField(source, rep.source.fieldPath);
  if (value === undefined) throw new Error(`${file}: no ${rep.source.fieldPath} to copy`);
  for (const t of rep.targets) {
    const targets = resources.filter((r) => matches(r, t.select));
    if (!targets.length) throw new Error(`${file}: replacement target matches nothing`);
    for (const r of targets) for (const fp of t.fieldPaths) setField(r, fp, value);
  }
}

/** `a.b.[k=v].c`: dots between fields, `[k=v]` picks the list item whose k is v. */
function fieldSteps(path: string): string[] {
  return path.split('.');
}

function step(node: Json, s: string): Json {
  const select = /^\[(.+)=(.+)\]$/.exec(s);
  if (select) {
    if (!Array.isArray(node)) return undefined;
    return (node as JsonObject[]).find((item) => String(item[select[1]]) === select[2]);
  }
  return isObject(node) ? node[s] : undefined;
}

export function getField(doc: Json, path: string): Json {
  return fieldSteps(path).reduce<Json>((node, s) => step(node, s), doc);
}

function setField(doc: Json, path: string, value: Json): void {
  const steps = fieldSteps(path);
  const last = steps.pop()!;
  const parent = steps.reduce<Json>((node, s) => step(node, s), doc);
  if (!isObject(parent) || !(last in parent)) throw new Error(`no ${path} to replace`);
  parent[last] = value;
}

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The repository's k8s/ folder, wherever the caller runs from. */
export function k8sDir(root = process.cwd()): string {
  return join(root, 'k8s');
}

export const overlayDir = (name: string, root?: string) => join(k8sDir(root), 'overlays', name);

export const baseDir = (root?: string) => join(k8sDir(root), 'base');
