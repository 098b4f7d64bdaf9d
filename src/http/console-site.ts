import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The analyst console's static files (console/dist, built by `npm install` through the console
 * package's Vite build) under /console/. Same origin as /graphql, so the API's own bearer-token
 * authentication applies to everything the console reads; the files themselves are public (they
 * hold no data). Unknown paths under /console/ get index.html, so any client-side URL loads.
 */
export const CONSOLE_PATH = '/console';

/** Where the build lands, relative to this file: <repo>/console/dist. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../console/dist/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // Scripts and styles only from this origin; the API and its WebSocket on the same origin.
  // Inline style attributes are allowed (the waterfall's bar widths, Cytoscape's canvas).
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export class ConsoleSite {
  readonly #root: string;

  constructor(root: string = CONSOLE_DIST) {
    this.#root = path.resolve(root);
  }

  /** Whether the request is the console's (exactly /console or below /console/). */
  static matches(pathname: string): boolean {
    return pathname === CONSOLE_PATH || pathname.startsWith(`${CONSOLE_PATH}/`);
  }

  async serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('the console is read with GET\n');
      return;
    }
    if (url.pathname === CONSOLE_PATH) {
      res.writeHead(308, { location: `${CONSOLE_PATH}/${url.search}` });
      res.end();
      return;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname.slice(CONSOLE_PATH.length + 1));
    } catch {
      relative = '';
    }
    const file = path.resolve(this.#root, relative);
    // Nothing outside the build folder, whatever `..` or encoded separators the path holds.
    const inside = file === this.#root || file.startsWith(this.#root + path.sep);
    const asset = inside && relative !== '' ? await regularFile(file) : null;
    if (asset !== null) return this.#send(req, res, file, asset.size, relative.startsWith('assets/'));
    // An asset that is not there is a 404; anything else is a client-side page: index.html.
    if (relative.startsWith('assets/')) return this.#text(res, 404, `no console asset ${relative}\n`);
    const index = path.join(this.#root, 'index.html');
    const indexStat = await regularFile(index);
    if (indexStat === null) {
      return this.#text(res, 503, 'the analyst console is not built: run `npm install` (or `npm run build:console`) in the riskgraph folder\n');
    }
    return this.#send(req, res, index, indexStat.size, false);
  }

  #send(req: IncomingMessage, res: ServerResponse, file: string, size: number, immutable: boolean): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': size,
      // Vite puts a content hash in every asset's name; index.html must be re-read to find new ones.
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  #text(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

async function regularFile(file: string): Promise<{ size: number } | null> {
  try {
    const info = await stat(file);
    return info.isFile() ? { size: info.size } : null;
  } catch {
    return null;
  }
}
