import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One file the console serves: where it is on disk and its media type. */
export interface ConsoleFile {
  path: string;
  type: string;
}

/** The console's own files, next to this module (the build copies the folder into dist). */
const PUBLIC_DIR = join(import.meta.dirname, 'public');

const OWN_FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'dom.js': 'text/javascript; charset=utf-8',
  'conversation.js': 'text/javascript; charset=utf-8',
  'tools.js': 'text/javascript; charset=utf-8',
  'analytics.js': 'text/javascript; charset=utf-8',
};

/** The socket.io browser client, as the server package ships it (so both sides match). */
export const SOCKET_CLIENT = 'socket.io.esm.min.js';

/**
 * Every file the console may serve, by the name in its URL. Only these names are served, so a
 * request can never reach another file. Throws, naming them, when files are missing.
 */
export function consoleFiles(): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  for (const [name, type] of Object.entries(OWN_FILES)) {
    files.set(name, { path: join(PUBLIC_DIR, name), type });
  }
  const socketIoDir = dirname(createRequire(import.meta.url).resolve('socket.io'));
  files.set(SOCKET_CLIENT, {
    path: join(socketIoDir, '..', 'client-dist', SOCKET_CLIENT),
    type: 'text/javascript; charset=utf-8',
  });
  const missing = [...files.values()].filter((f) => !existsSync(f.path)).map((f) => f.path);
  if (missing.length > 0) {
    throw new Error(`the operator console's files are missing: ${missing.join(', ')}`);
  }
  return files;
}
