/**
 * Memory extraction answers as a model gives them under the `memory_operations` JSON schema
 * (src/memory/extraction-schema.ts): every field present, defaults for what a test leaves out.
 */
export function memoryOperation(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    op: 'add',
    target: null,
    kind: 'fact',
    about: null,
    importance: 0.6,
    emotional_intensity: 0.2,
    valence: null,
    arousal: null,
    sensitive: false,
    core: false,
    sources: ['t1'],
    ...fields,
  };
}

/** The whole answer text for these operations. */
export function memoryAnswer(operations: Array<Record<string, unknown>>): string {
  return JSON.stringify({ operations: operations.map(memoryOperation) });
}
