import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { type Authenticator, bearerToken } from '../auth/authenticator.ts';
import { Capability, allows } from '../auth/roles.ts';
import { DomainError, ErrorCode, isDomainError } from '../errors.ts';
import { INPUT_FORMATS, type InputFormat } from '../events/event.ts';
import { parseStream } from '../events/importer.ts';
import type { IngestService, IngestSummary } from '../ingest/ingest.service.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { ConsoleSite } from './console-site.ts';

/**
 * The HTTP edge: health, the bulk ingest endpoint, the analyst console's files, and room for the
 * GraphQL handler. Node's own HTTP server, no framework: the routes are few and the bulk body
 * must stream.
 */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export interface HttpDeps {
  authenticator: Authenticator;
  metrics: Metrics;
  ingest: IngestService;
  health: readonly HealthCheck[];
  maxBodyBytes: number;
  log: Logger;
  /** The analyst console's files under /console/; absent, /console answers 404. */
  console?: ConsoleSite;
}

/** Formats the HTTP path accepts: `cert` needs a file name to pick the kind, so it is CLI-only. */
const HTTP_FORMATS = INPUT_FORMATS.filter((format) => format !== 'cert');

export class HttpServer {
  readonly server: http.Server;
  readonly #deps: HttpDeps;
  readonly #mounts = new Map<string, RouteHandler>();
  /** Set when shutting down: /ready answers 503 so load balancers stop sending work. */
  #draining = false;

  constructor(deps: HttpDeps) {
    this.#deps = deps;
    this.server = http.createServer((req, res) => void this.#route(req, res));
    // Bulk imports can take long; the default request timeout would cut them.
    this.server.requestTimeout = 0;
  }

  /** Mount a handler for an exact path (the GraphQL endpoint). */
  mount(path: string, handler: RouteHandler): void {
    this.#mounts.set(path, handler);
  }

  listen(port: number, host: string): Promise<{ port: number; url: string }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address();
        const bound = typeof address === 'object' && address !== null ? address.port : port;
        resolve({ port: bound, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}` });
      });
    });
  }

  close(): Promise<void> {
    this.#draining = true;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const importPath = IMPORT_PATH.exec(url.pathname);
    const route =
      KNOWN_ROUTES.has(url.pathname) || this.#mounts.has(url.pathname)
        ? url.pathname
        : importPath !== null
          ? '/ingest/{id}'
          : ConsoleSite.matches(url.pathname)
            ? '/console'
            : 'other';
    const stopTimer = this.#deps.metrics.httpDuration.startTimer({ route });
    res.once('finish', () => {
      stopTimer();
      this.#deps.metrics.httpRequests.inc({ route, status: String(res.statusCode) });
    });
    try {
      const read = req.method === 'GET' || req.method === 'HEAD';
      if (url.pathname === '/health' && read) return await this.#health(res, false);
      if (url.pathname === '/ready' && read) return await this.#health(res, true);
      if (url.pathname === '/metrics' && read) return await this.#metrics(req, res);
      if (url.pathname === '/ingest') {
        if (req.method !== 'POST') throw new DomainError(ErrorCode.BAD_INPUT, 'use POST for /ingest');
        return await this.#ingest(req, res, url);
      }
      if (importPath !== null && read) return await this.#importStatus(req, res, importPath[1]!);
      if (this.#deps.console !== undefined && ConsoleSite.matches(url.pathname)) return await this.#deps.console.serve(req, res, url);
      const mounted = this.#mounts.get(url.pathname);
      if (mounted !== undefined) return await mounted(req, res, url);
      sendJson(res, 404, { error: { code: ErrorCode.NOT_FOUND, message: `no route ${url.pathname}` } });
    } catch (error) {
      this.#sendError(res, error);
    }
  }

  /** Liveness of the dependencies; `/ready` also answers 503 while the server drains. */
  async #health(res: ServerResponse, readiness: boolean): Promise<void> {
    if (readiness && this.#draining) {
      sendJson(res, 503, { status: 'draining', checks: {} });
      return;
    }
    const results = await Promise.all(
      this.#deps.health.map(async (probe) => {
        try {
          await withTimeout(probe.check(), 3000);
          return [probe.name, 'up'] as const;
        } catch {
          return [probe.name, 'down'] as const;
        }
      }),
    );
    const ok = results.every(([, state]) => state === 'up');
    sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  }

  async #metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const principal = await this.#deps.authenticator.authenticate(bearerToken(req.headers.authorization));
    if (principal === null) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'a valid bearer token is required');
    if (!allows(principal, Capability.READ_METRICS)) {
      throw new DomainError(ErrorCode.FORBIDDEN, `role ${principal.role} may not read metrics`);
    }
    const text = await this.#deps.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': this.#deps.metrics.registry.contentType });
    res.end(text);
  }

  async #ingest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const principal = await this.#deps.authenticator.authenticate(bearerToken(req.headers.authorization));
    if (principal === null) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'a valid bearer token is required');
    if (!allows(principal, Capability.INGEST)) {
      throw new DomainError(ErrorCode.FORBIDDEN, `role ${principal.role} may not ingest events`);
    }
    const format = url.searchParams.get('format') ?? 'ecs';
    if (!(HTTP_FORMATS as readonly string[]).includes(format)) {
      throw new DomainError(ErrorCode.BAD_INPUT, `format: '${format}' is not one of ${HTTP_FORMATS.join(', ')}`);
    }
    const waitParam = url.searchParams.get('wait');
    if (waitParam !== null && waitParam !== 'true' && waitParam !== 'false') {
      throw new DomainError(ErrorCode.BAD_INPUT, `wait: '${waitParam}' must be true or false`);
    }
    const source = `http:${format}`;
    const body = req.pipe(limitBytes(this.#deps.maxBodyBytes));
    const wait = waitParam === 'true';
    const progress = wait ? new WaitProgress(res, req.headers.accept ?? '', (id) => this.#deps.ingest.importStatus(id)) : null;
    let summary: IngestSummary;
    try {
      summary = await this.#deps.ingest.ingest(parseStream(body, { format: format as InputFormat, source }), {
        source,
        wait,
        onQueued: (queued) => progress?.queued(queued),
      });
    } catch (error) {
      if (progress === null || !progress.started) throw error;
      // The response is under way (200 and progress sent): the error ends it, as a JSON line.
      this.#deps.log.error({ err: error, source }, 'bulk ingest failed while waiting');
      progress.fail(isDomainError(error) && error.code !== ErrorCode.STORE_FAILED ? { code: error.code, message: error.message } : { code: 'INTERNAL', message: 'internal error' });
      return;
    }
    this.#deps.log.info({ source, principal: principal.id, ...summary }, 'bulk ingest');
    this.#deps.metrics.eventsAccepted.inc({ path: 'http' }, summary.accepted);
    this.#deps.metrics.deadLetters.inc({ path: 'http' }, summary.deadLetters);
    if (progress !== null && progress.started) progress.done(summary);
    else sendJson(res, 200, summary);
  }

  /** `GET /ingest/{importId}`: how an import stands (roles that may ingest). */
  async #importStatus(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const principal = await this.#deps.authenticator.authenticate(bearerToken(req.headers.authorization));
    if (principal === null) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'a valid bearer token is required');
    if (!allows(principal, Capability.INGEST)) {
      throw new DomainError(ErrorCode.FORBIDDEN, `role ${principal.role} may not read imports`);
    }
    const status = await this.#deps.ingest.importStatus(id);
    if (status === null) throw new DomainError(ErrorCode.NOT_FOUND, `no import ${id} (unknown, or older than 7 days)`);
    sendJson(res, 200, status);
  }

  #sendError(res: ServerResponse, error: unknown): void {
    if (isDomainError(error) && error.code !== ErrorCode.STORE_FAILED) {
      const status = STATUS[error.code] ?? 500;
      sendJson(res, status, { error: { code: error.code, message: error.message } });
      if (status >= 500) this.#deps.log.error({ err: error }, 'request failed');
      return;
    }
    // Anything else is internal: logged in full, masked for the client.
    this.#deps.log.error({ err: error }, 'request failed');
    sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
  }
}

const KNOWN_ROUTES = new Set(['/health', '/ready', '/metrics', '/ingest']);
const IMPORT_PATH = /^\/ingest\/([0-9a-f-]{36})$/;

/** How often a waiting `POST /ingest?wait=true` sends a byte (clients and proxies time out on silence). */
const KEEPALIVE_MS = 10_000;
/** How often it sends a progress line when the client asked for NDJSON. */
const PROGRESS_MS = 2_000;

/**
 * The response of `POST /ingest?wait=true` once every event is queued: the status line and
 * headers go out at once, then, until the import is processed, either a newline every 10 s
 * followed by the JSON summary (leading whitespace is valid JSON, so a plain JSON client reads
 * the summary as before), or, for `Accept: application/x-ndjson`, one JSON line of progress
 * every 2 s (`{"queued":…}`, `{"progress":…}`, …) ending with `{"done":summary}`. Either way a
 * client never waits minutes without a byte.
 */
class WaitProgress {
  started = false;
  readonly #res: ServerResponse;
  readonly #ndjson: boolean;
  readonly #status: (id: string) => Promise<unknown>;
  #timer: NodeJS.Timeout | null = null;

  constructor(res: ServerResponse, accept: string, status: (id: string) => Promise<unknown>) {
    this.#res = res;
    this.#ndjson = accept.includes('application/x-ndjson');
    this.#status = status;
  }

  queued(summary: IngestSummary): void {
    this.started = true;
    this.#res.writeHead(200, { 'content-type': this.#ndjson ? 'application/x-ndjson' : 'application/json', 'cache-control': 'no-store' });
    if (this.#ndjson) {
      this.#res.write(`${JSON.stringify({ queued: summary })}\n`);
      this.#timer = setInterval(() => {
        void this.#status(summary.importId).then(
          (status) => this.#res.write(`${JSON.stringify({ progress: status })}\n`),
          () => this.#res.write('\n'),
        );
      }, PROGRESS_MS);
    } else {
      this.#timer = setInterval(() => this.#res.write('\n'), KEEPALIVE_MS);
    }
    this.#timer.unref();
  }

  done(summary: IngestSummary): void {
    this.#stop();
    this.#res.end(this.#ndjson ? `${JSON.stringify({ done: summary })}\n` : JSON.stringify(summary));
  }

  fail(error: { code: string; message: string }): void {
    this.#stop();
    this.#res.end(`${JSON.stringify({ error })}\n`);
  }

  #stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  STORE_UNAVAILABLE: 503,
  QUEUE_UNAVAILABLE: 503,
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
  });
  res.end(text);
}

function limitBytes(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > max) callback(new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, `request body exceeds ${max} bytes`));
      else callback(null, chunk);
    },
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
