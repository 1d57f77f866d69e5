import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import nunjucks from 'nunjucks';

/**
 * One prompt set (`prompts/<name>/vN/`) loaded and compiled once, with the set it extends when
 * its set.json names one. `version` names the set and a hash of its files (and its base's),
 * stored with every reply.
 */
export class TemplateStore {
  readonly version: string;
  private readonly templates = new Map<string, nunjucks.Template>();

  constructor(promptsDir: string, set: string) {
    const env = new nunjucks.Environment(null, {
      autoescape: false,
      throwOnUndefined: true,
      trimBlocks: true,
      lstripBlocks: true,
    });
    const hash = createHash('sha256');
    // A set may extend another (`set.json`: {"extends": "companion/v3"}): it has the other's
    // templates, and its own files replace those of the same name.
    const chain: string[] = [];
    for (let name: string | undefined = set; name; name = baseOf(promptsDir, name)) {
      if (chain.includes(name)) throw new Error(`prompt set ${set} extends itself through ${name}`);
      chain.unshift(name);
    }
    for (const name of chain) {
      const dir = join(promptsDir, name);
      for (const file of listFiles(dir)) {
        const source = readFileSync(file, 'utf8');
        const rel = relative(dir, file);
        hash.update(name).update('/').update(rel).update('\0').update(source).update('\0');
        if (rel.endsWith('.njk')) {
          this.templates.set(
            rel.replace(/\.njk$/, ''),
            new nunjucks.Template(source, env, rel, true),
          );
        }
      }
    }
    this.version = `${set}@${hash.digest('hex').slice(0, 8)}`;
  }

  has(name: string): boolean {
    return this.templates.has(name);
  }

  render(name: string, context: Record<string, unknown>): string {
    const template = this.templates.get(name);
    if (!template) throw new Error(`template ${name} is not in prompt set ${this.version}`);
    return template.render(context).trim();
  }
}

/** The set a set extends, from its set.json; throws when the set does not exist. */
function baseOf(promptsDir: string, set: string): string | undefined {
  const dir = join(promptsDir, set);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`prompt set ${set} not found in ${promptsDir}`);
  }
  const file = join(dir, 'set.json');
  if (!existsSync(file)) return undefined;
  const meta = JSON.parse(readFileSync(file, 'utf8')) as { extends?: unknown };
  if (meta.extends !== undefined && typeof meta.extends !== 'string') {
    throw new Error(`${file}: "extends" must name a prompt set`);
  }
  return meta.extends;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}
