import { once } from 'node:events';
import { createWriteStream, writeFileSync, type WriteStream } from 'node:fs';
import { DataSource } from 'typeorm';
import { MessageRepository } from '../../conversation/message.repository.js';
import { MemoryRepository } from '../../memory/memory.repository.js';
import { SafetyRepository } from '../../safety/safety.repository.js';
import { TurnTraceRepository } from '../../turn/turn-trace.repository.js';
import { FeedbackRepository } from '../feedback.repository.js';
import {
  datasetRecords,
  DigestCounter,
  emptyStats,
  type DatasetOptions,
  type DatasetSources,
} from './dataset-export.js';

/** The owners' repositories on one data source, as the export reads them. */
export function datasetSources(db: DataSource): DatasetSources {
  const feedback = new FeedbackRepository(db);
  const messages = new MessageRepository(db);
  const traces = new TurnTraceRepository(db);
  const safety = new SafetyRepository(db);
  const memory = new MemoryRepository(db);
  return {
    datasetActs: (...a) => feedback.datasetActs(...a),
    tracesOf: (ids) => traces.tracesOf(ids),
    trainingMessages: (ids, answering) => messages.trainingMessages(ids, answering),
    trainingExclusions: (c, u) => safety.trainingExclusions(c, u),
    trainingHints: (m, u) => memory.trainingHints(m, u),
  };
}

/** The manifest written beside the files: what went in, what was left out, and the hashes. */
export interface DatasetManifest {
  kind: DatasetOptions['kind'];
  format: DatasetOptions['format'];
  since: string;
  until: string;
  generatedAt: string;
  filters: string[];
  validationShare: number;
  acts: number;
  excluded: Record<string, number>;
  files: Record<
    'train' | 'validation',
    { path: string; records: number; bytes: number; sha256: string }
  >;
  /** SHA-256 of the two files' hashes (train, then validation): the export's one fingerprint. */
  sha256: string;
}

export const FILTERS = [
  'users whose latest training consent is yes',
  'no minors',
  'no conversation with a crisis event',
  'no prompt that recalled a sensitive memory',
  'no reply deleted, forgotten, failed, cut short or written by the crisis protocol',
  'no prompt with a message deleted or forgotten since',
  'emails, phone, card and ID numbers, and names from the user memory replaced with placeholders',
  'split by user (FNV-1a of the user id): no user in both files',
];

/**
 * Writes `<out>` (train), `<out>` with `.validation` before its extension, and `<out>` with
 * `.manifest.json`: JSON Lines, written with backpressure (each write waits for the disk when
 * the stream's buffer is full), so memory stays flat whatever the size.
 */
export async function writeDataset(
  sources: DatasetSources,
  options: DatasetOptions,
  out: string,
): Promise<DatasetManifest> {
  const base = out.replace(/\.jsonl?$/, '');
  const paths = { train: out, validation: `${base}.validation.jsonl` };
  const streams: Record<'train' | 'validation', WriteStream> = {
    train: createWriteStream(paths.train),
    validation: createWriteStream(paths.validation),
  };
  const digests = { train: new DigestCounter(), validation: new DigestCounter() };
  const stats = emptyStats();
  try {
    for await (const { split, record } of datasetRecords(sources, options, stats)) {
      const line = `${JSON.stringify(record)}\n`;
      digests[split].add(line);
      if (!streams[split].write(line)) await once(streams[split], 'drain');
    }
  } finally {
    await Promise.all(
      Object.values(streams).map((s) => new Promise<void>((resolve) => s.end(() => resolve()))),
    );
  }
  const files = {
    train: {
      path: paths.train,
      records: digests.train.lines,
      bytes: digests.train.bytes,
      sha256: digests.train.digest(),
    },
    validation: {
      path: paths.validation,
      records: digests.validation.lines,
      bytes: digests.validation.bytes,
      sha256: digests.validation.digest(),
    },
  };
  const manifest: DatasetManifest = {
    kind: options.kind,
    format: options.format,
    since: options.since.toISOString(),
    until: options.until.toISOString(),
    generatedAt: new Date().toISOString(),
    filters: FILTERS,
    validationShare: options.validationShare,
    acts: stats.acts,
    excluded: stats.excluded,
    files,
    sha256: new DigestCounter().digestOf(`${files.train.sha256}${files.validation.sha256}`),
  };
  writeFileSync(`${base}.manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
