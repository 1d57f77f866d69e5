import { randomUUID } from 'node:crypto';
import { VoiceException } from './voice.exception.js';
import { VoiceErrorCode } from './voice.protocol.js';

export interface UploadLimits {
  maxBytes: number;
  chunkMaxBytes: number;
  idleMs: number;
  perUser: number;
  podBytes: number;
}

export interface Upload {
  uploadId: string;
  userId: string;
  clientMsgId: string;
  conversationId?: string;
  mimeType: string;
  language?: string;
  chunks: Buffer[];
  bytes: number;
  timer: NodeJS.Timeout;
}

/**
 * Voice uploads being assembled on this pod, in memory, keyed by user and clientMsgId. Chunks
 * must come in order; a `voice:start` for an upload already under way resumes it (the ack says
 * which chunk comes next), so a phone that lost its connection does not send everything again.
 * An upload that sees no chunk for `idleMs` is dropped. Limits: bytes per upload, bytes per
 * chunk, uploads per user and bytes held by the pod.
 */
export class UploadRegistry {
  private readonly uploads = new Map<string, Upload>();
  private podBytes = 0;

  constructor(
    private readonly limits: UploadLimits,
    private readonly onAbandoned: (upload: Upload) => void = () => undefined,
  ) {}

  get size(): number {
    return this.uploads.size;
  }

  get bytesHeld(): number {
    return this.podBytes;
  }

  start(input: {
    userId: string;
    clientMsgId: string;
    conversationId?: string;
    mimeType: string;
    language?: string;
    sizeBytes?: number;
  }): { uploadId: string; nextIndex: number } {
    const existing = this.uploads.get(key(input.userId, input.clientMsgId));
    if (existing) {
      this.touch(existing);
      return { uploadId: existing.uploadId, nextIndex: existing.chunks.length };
    }
    if (input.sizeBytes !== undefined && input.sizeBytes > this.limits.maxBytes) {
      throw tooLarge(input.clientMsgId, this.limits.maxBytes);
    }
    const mine = [...this.uploads.values()].filter((u) => u.userId === input.userId).length;
    if (mine >= this.limits.perUser) {
      throw new VoiceException(
        VoiceErrorCode.UploadLimit,
        `at most ${this.limits.perUser} voice uploads at a time; finish or abandon one first`,
        { clientMsgId: input.clientMsgId },
      );
    }
    if (this.podBytes >= this.limits.podBytes) throw capacity(input.clientMsgId);
    const upload: Upload = {
      uploadId: randomUUID(),
      userId: input.userId,
      clientMsgId: input.clientMsgId,
      conversationId: input.conversationId,
      mimeType: input.mimeType,
      language: input.language,
      chunks: [],
      bytes: 0,
      timer: setTimeout(() => undefined, 0),
    };
    this.uploads.set(key(input.userId, input.clientMsgId), upload);
    this.touch(upload);
    return { uploadId: upload.uploadId, nextIndex: 0 };
  }

  append(userId: string, clientMsgId: string, index: number, data: Uint8Array): number {
    const upload = this.find(userId, clientMsgId);
    const expected = upload.chunks.length;
    if (index < expected) {
      throw new VoiceException(
        VoiceErrorCode.ChunkRepeated,
        `chunk ${index} was already received; send ${expected}`,
        {
          clientMsgId,
        },
      );
    }
    if (index > expected) {
      throw new VoiceException(
        VoiceErrorCode.ChunkOutOfOrder,
        `chunk ${expected} is missing; send it before ${index}`,
        {
          clientMsgId,
        },
      );
    }
    if (data.length === 0) {
      throw new VoiceException(VoiceErrorCode.Empty, `chunk ${index} is empty`, { clientMsgId });
    }
    if (data.length > this.limits.chunkMaxBytes) {
      throw new VoiceException(
        VoiceErrorCode.ChunkTooLarge,
        `chunk ${index} has ${data.length} bytes; the limit is ${this.limits.chunkMaxBytes}`,
        { clientMsgId },
      );
    }
    if (upload.bytes + data.length > this.limits.maxBytes) {
      this.drop(upload);
      throw tooLarge(clientMsgId, this.limits.maxBytes);
    }
    // The pod's cap holds at every chunk, not only at the start: uploads begun together must not
    // grow past it. The upload is kept; the app sends this chunk again a little later.
    if (this.podBytes + data.length > this.limits.podBytes) throw capacity(clientMsgId);
    upload.chunks.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    upload.bytes += data.length;
    this.podBytes += data.length;
    this.touch(upload);
    return upload.chunks.length;
  }

  /** Ends an upload: its bytes if `chunks` matches what arrived (the upload is then gone). */
  finish(userId: string, clientMsgId: string, chunks: number): Upload & { audio: Buffer } {
    const upload = this.find(userId, clientMsgId);
    if (chunks !== upload.chunks.length) {
      throw new VoiceException(
        VoiceErrorCode.ChunkCountMismatch,
        `voice:end says ${chunks} chunks but ${upload.chunks.length} arrived` +
          (chunks > upload.chunks.length ? `; send chunk ${upload.chunks.length} onwards` : ''),
        { clientMsgId },
      );
    }
    this.drop(upload);
    return { ...upload, audio: Buffer.concat(upload.chunks, upload.bytes) };
  }

  has(userId: string, clientMsgId: string): boolean {
    return this.uploads.has(key(userId, clientMsgId));
  }

  close(): void {
    for (const upload of this.uploads.values()) clearTimeout(upload.timer);
    this.uploads.clear();
    this.podBytes = 0;
  }

  private find(userId: string, clientMsgId: string): Upload {
    const upload = this.uploads.get(key(userId, clientMsgId));
    if (!upload) {
      throw new VoiceException(
        VoiceErrorCode.UploadNotFound,
        'no upload under way for this clientMsgId (never started, finished, or abandoned after a pause): send voice:start',
        { clientMsgId },
      );
    }
    return upload;
  }

  private touch(upload: Upload): void {
    clearTimeout(upload.timer);
    upload.timer = setTimeout(() => {
      this.drop(upload);
      this.onAbandoned(upload);
    }, this.limits.idleMs);
    upload.timer.unref();
  }

  private drop(upload: Upload): void {
    clearTimeout(upload.timer);
    if (this.uploads.delete(key(upload.userId, upload.clientMsgId))) this.podBytes -= upload.bytes;
  }
}

function key(userId: string, clientMsgId: string): string {
  return `${userId}\u0000${clientMsgId}`;
}

function capacity(clientMsgId: string): VoiceException {
  return new VoiceException(
    VoiceErrorCode.UploadCapacity,
    'the server holds as many unfinished recordings as it may; try again shortly',
    { clientMsgId, retryAfterMs: 2000 },
  );
}

function tooLarge(clientMsgId: string, maxBytes: number): VoiceException {
  return new VoiceException(VoiceErrorCode.TooLarge, `the recording is over ${maxBytes} bytes`, {
    clientMsgId,
  });
}
