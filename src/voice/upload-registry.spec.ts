import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { UploadRegistry, type Upload } from './upload-registry.js';

const limits = { maxBytes: 100, chunkMaxBytes: 40, idleMs: 1000, perUser: 2, podBytes: 1000 };
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
const start = (r: UploadRegistry, clientMsgId = 'v1', userId = 'u1') =>
  r.start({ userId, clientMsgId, mimeType: 'audio/ogg' });

describe('UploadRegistry', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('assembles chunks in order and hands the audio over once', () => {
    const r = new UploadRegistry(limits);
    expect(start(r).nextIndex).toBe(0);
    expect(r.append('u1', 'v1', 0, bytes(10, 1))).toBe(1);
    expect(r.append('u1', 'v1', 1, bytes(5, 2))).toBe(2);
    const done = r.finish('u1', 'v1', 2);
    expect([...done.audio]).toEqual([...bytes(10, 1), ...bytes(5, 2)]);
    expect(r.bytesHeld).toBe(0);
    expect(() => r.finish('u1', 'v1', 2)).toThrow(
      expect.objectContaining({ code: 'upload_not_found' }),
    );
  });

  it('refuses a repeated chunk, a skipped one and a wrong total, each with its own code', () => {
    const r = new UploadRegistry(limits);
    start(r);
    r.append('u1', 'v1', 0, bytes(3));
    expect(() => r.append('u1', 'v1', 0, bytes(3))).toThrow(
      expect.objectContaining({ code: 'chunk_repeated' }),
    );
    expect(() => r.append('u1', 'v1', 2, bytes(3))).toThrow(
      expect.objectContaining({ code: 'chunk_out_of_order' }),
    );
    expect(() => r.finish('u1', 'v1', 3)).toThrow(
      expect.objectContaining({ code: 'chunk_count_mismatch' }),
    );
    expect(r.finish('u1', 'v1', 1).audio.length).toBe(3); // the upload survived the refusals
  });

  it('resumes an upload under way instead of starting over', () => {
    const r = new UploadRegistry(limits);
    const first = start(r);
    r.append('u1', 'v1', 0, bytes(3));
    expect(start(r)).toEqual({ uploadId: first.uploadId, nextIndex: 1 });
  });

  it('enforces the size of a chunk, of an upload, and uploads per user', () => {
    const r = new UploadRegistry(limits);
    expect(() =>
      r.start({ userId: 'u1', clientMsgId: 'big', mimeType: 'audio/ogg', sizeBytes: 101 }),
    ).toThrow(expect.objectContaining({ code: 'audio_too_large' }));
    start(r, 'a');
    expect(() => r.append('u1', 'a', 0, bytes(41))).toThrow(
      expect.objectContaining({ code: 'chunk_too_large' }),
    );
    for (let i = 0; i < 2; i++) r.append('u1', 'a', i, bytes(40));
    expect(() => r.append('u1', 'a', 2, bytes(40))).toThrow(
      expect.objectContaining({ code: 'audio_too_large' }),
    );
    expect(r.has('u1', 'a')).toBe(false); // an oversized upload is dropped
    start(r, 'b');
    start(r, 'c');
    expect(() => start(r, 'd')).toThrow(expect.objectContaining({ code: 'upload_limit' }));
    expect(() => start(r, 'd', 'u2')).not.toThrow();
  });

  it('drops an upload that sees no chunk for the idle time, and frees its bytes', () => {
    jest.useFakeTimers();
    const abandoned: Upload[] = [];
    const r = new UploadRegistry(limits, (u) => abandoned.push(u));
    start(r);
    r.append('u1', 'v1', 0, bytes(10));
    jest.advanceTimersByTime(900);
    r.append('u1', 'v1', 1, bytes(10)); // activity resets the clock
    jest.advanceTimersByTime(900);
    expect(r.has('u1', 'v1')).toBe(true);
    jest.advanceTimersByTime(200);
    expect(r.has('u1', 'v1')).toBe(false);
    expect(abandoned.map((u) => u.clientMsgId)).toEqual(['v1']);
    expect(r.bytesHeld).toBe(0);
  });

  it("holds the pod's byte cap at every chunk, keeping the upload for a retry of the chunk", () => {
    const r = new UploadRegistry({ ...limits, maxBytes: 1000, podBytes: 100 });
    start(r, 'a', 'u1');
    start(r, 'b', 'u2');
    r.append('u1', 'a', 0, bytes(40));
    r.append('u2', 'b', 0, bytes(40));
    expect(() => r.append('u1', 'a', 1, bytes(40))).toThrow(
      expect.objectContaining({
        code: 'upload_capacity',
        context: expect.objectContaining({ retryAfterMs: 2000 }),
      }),
    );
    expect(r.bytesHeld).toBe(80);
    expect(r.has('u1', 'a')).toBe(true);
    r.finish('u2', 'b', 1);
    expect(r.append('u1', 'a', 1, bytes(40))).toBe(2);
    expect(() => start(r, 'c', 'u3')).not.toThrow();
    r.append('u1', 'a', 2, bytes(20));
    expect(() => start(r, 'd', 'u4')).toThrow(expect.objectContaining({ code: 'upload_capacity' }));
  });
});
