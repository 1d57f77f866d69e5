import { io, type Socket } from 'socket.io-client';
import type { ClientEventMap } from '../../src/gateway/chat.protocol.js';
import { tokenFor } from './tokens.js';

type EventName = keyof ClientEventMap;
interface Received {
  event: EventName;
  payload: unknown;
}

/** A socket.io client as a phone would hold it, recording every event for assertions. */
export interface ConnectOptions {
  /** Default: a valid token for the user; null for none. */
  token?: string | null;
  origin?: string;
  transports?: string[];
  /** What the app may send beside the token. */
  hints?: { timeZone?: unknown; locale?: unknown };
}

export class ChatClient {
  readonly received: Received[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: unknown) => {
      this.received.push({ event: event as EventName, payload });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(
    baseUrl: string,
    userId: string,
    options: ConnectOptions = {},
  ): Promise<ChatClient> {
    const client = ChatClient.open(baseUrl, userId, options);
    await client.connected();
    return client;
  }

  /** Opens without waiting, for tests of refused handshakes. */
  static open(baseUrl: string, userId: string, options: ConnectOptions = {}): ChatClient {
    const token = options.token === undefined ? tokenFor(userId) : options.token;
    const socket = io(`${baseUrl}/chat`, {
      auth: token === null ? { ...options.hints } : { token, ...options.hints },
      transports: options.transports ?? ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: options.origin ? { origin: options.origin } : undefined,
    });
    return new ChatClient(socket);
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (e) => reject(e));
    });
  }

  /** Resolves with the connect_error (message and data) of a refused handshake. */
  refusal(): Promise<{ message: string; data?: { code: string; message: string } }> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => reject(new Error('connected, but a refusal was expected')));
      this.socket.once('connect_error', (e: Error & { data?: { code: string; message: string } }) =>
        resolve({ message: e.message, data: e.data }),
      );
    });
  }

  request<T = Record<string, unknown>>(
    event: string,
    payload: unknown,
    timeoutMs = 5000,
  ): Promise<T> {
    return this.socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
  }

  /** Waits for an event matching `match`, including one received before the call. */
  async next<E extends EventName>(
    event: E,
    match: (p: ClientEventMap[E]) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ClientEventMap[E]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(
        (r) => r.event === event && match(r.payload as ClientEventMap[E]),
      );
      if (found) return found.payload as ClientEventMap[E];
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.received.map((r) => r.event).join(', ');
        throw new Error(`no ${event} within ${timeoutMs} ms (received: ${seen || 'nothing'})`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }

  all<E extends EventName>(event: E): Array<ClientEventMap[E]> {
    return this.received
      .filter((r) => r.event === event)
      .map((r) => r.payload as ClientEventMap[E]);
  }

  /** The reply's streamed text as this client saw it, in delta order. */
  streamedText(replyId: string): string {
    return this.all('reply:delta')
      .filter((d) => d.replyId === replyId)
      .sort((a, b) => a.index - b.index)
      .map((d) => d.text)
      .join('');
  }

  /**
   * Uploads a recording as a phone does: voice:start, the chunks in order, voice:end. Returns
   * the voice:end ack (or the first refusal).
   */
  async sendVoice<T = Record<string, unknown>>(
    audio: Uint8Array,
    options: {
      clientMsgId: string;
      mimeType: string;
      conversationId?: string;
      language?: string;
      chunkBytes?: number;
    },
  ): Promise<T> {
    const { chunkBytes = 16 * 1024, ...start } = options;
    const started = await this.request<{ ok: boolean; duplicate?: boolean }>('voice:start', {
      ...start,
      sizeBytes: audio.length,
    });
    if (!started.ok || started.duplicate) return started as T;
    let index = 0;
    for (let at = 0; at < audio.length; at += chunkBytes) {
      const chunk = await this.request<{ ok: boolean }>('voice:chunk', {
        clientMsgId: options.clientMsgId,
        index: index++,
        data: Buffer.from(audio.subarray(at, at + chunkBytes)),
      });
      if (!chunk.ok) return chunk as T;
    }
    return this.request<T>(
      'voice:end',
      { clientMsgId: options.clientMsgId, chunks: index },
      15_000,
    );
  }

  close(): void {
    this.socket.close();
  }
}
