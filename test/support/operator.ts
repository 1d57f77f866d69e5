import { io, type Socket } from 'socket.io-client';
import type { OperatorEventMap } from '../../src/gateway/chat.protocol.js';
import type { TestApp } from './test-app.js';

/** A call to the operator API with an operator's token. */
export function operatorApi(app: TestApp, token: string, path: string, init: RequestInit = {}) {
  return fetch(`${app.url}/v1/operator${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(init.headers as Record<string, string> | undefined),
    },
  });
}

/** A console's `/operator` socket, recording every event it receives. */
export interface OperatorSocket {
  socket: Socket;
  received: Array<{ event: keyof OperatorEventMap; payload: unknown }>;
  of<E extends keyof OperatorEventMap>(event: E): Array<OperatorEventMap[E]>;
}

export async function connectOperator(app: TestApp, token: string): Promise<OperatorSocket> {
  const socket = io(`${app.url}/operator`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const received: OperatorSocket['received'] = [];
  socket.onAny((event: keyof OperatorEventMap, payload: unknown) =>
    received.push({ event, payload }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    received,
    of: <E extends keyof OperatorEventMap>(event: E) =>
      received.filter((r) => r.event === event).map((r) => r.payload as OperatorEventMap[E]),
  };
}

export { until } from './test-app.js';
