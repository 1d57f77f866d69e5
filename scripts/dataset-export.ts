/**
 * Training data from users' reactions (docs/model-loop.md), as JSON Lines in TRL's
 * conversational formats (or LLaMA-Factory's sharegpt), split by user, with a manifest:
 *   DATABASE_URL=postgres://… npm run -s dataset:export -- --kind sft|dpo|kto \
 *     --since 2026-01-01 --until 2026-02-01 --out data/sft.jsonl [--format trl|sharegpt] \
 *     [--validation 0.05]
 * Writes FILE (train), FILE's .validation.jsonl and .manifest.json. Only users who consented.
 */
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.js';
import { writeDataset, datasetSources } from '../src/feedback/dataset/write-dataset.js';

const USAGE =
  'usage: npm run -s dataset:export -- --kind sft|dpo|kto --since DATE --until DATE --out FILE [--format trl|sharegpt] [--validation 0.05]';
const args = process.argv.slice(2);
const arg = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const kind = arg('kind');
const format = arg('format') ?? 'trl';
const since = new Date(arg('since') ?? '');
const until = new Date(arg('until') ?? '');
const out = arg('out');
const validationShare = Number(arg('validation') ?? '0.05');
if (
  (kind !== 'sft' && kind !== 'dpo' && kind !== 'kto') ||
  (format !== 'trl' && format !== 'sharegpt') ||
  Number.isNaN(since.getTime()) ||
  Number.isNaN(until.getTime()) ||
  since >= until ||
  !out ||
  !(validationShare >= 0 && validationShare < 1)
) {
  console.error(USAGE);
  process.exit(2);
}
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
const ds = new DataSource({ ...dataSourceOptions(url, 4), logging: false });
await ds.initialize();
try {
  const manifest = await writeDataset(
    datasetSources(ds),
    { kind, format, since, until, validationShare },
    out,
  );
  console.log(
    `${manifest.files.train.records} train and ${manifest.files.validation.records} validation records ` +
      `from ${manifest.acts} reactions (left out: ${JSON.stringify(manifest.excluded)}); sha256 ${manifest.sha256}`,
  );
} finally {
  await ds.destroy();
}
