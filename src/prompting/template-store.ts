import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import nunjucks from 'nunjucks';

/**
 * One prompt set (`prompts/<name>/vN/`) loaded and compiled once. `version` names the set and a
 * hash of its files, stored with every reply.
 */
export class TemplateStore {
  readonly version: string;
  private readonly templates = new Map<string, nunjucks.Template>();

  constructor(promptsDir: string, set: string) {
    const dir = join(promptsDir, set);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new Error(`prompt set ${set} not found in ${promptsDir}`);
    }
    const env = new nunjucks.Environment(null, {
      autoescape: false,
      throwOnUndefined: true,
      trimBlocks: true,
      lstripBlocks: true,
    });
    const hash = createHash('sha256');
    for (const file of listFiles(dir)) {
      const source = readFileSync(file, 'utf8');
      const name = relative(dir, file);
      hash.update(name).update('\0').update(source).update('\0');
      if (name.endsWith('.njk')) {
        this.templates.set(
          name.replace(/\.njk$/, ''),
          new nunjucks.Template(source, env, name, true),
        );
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

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}
