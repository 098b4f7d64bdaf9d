import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DomainError, ErrorCode } from '../errors.ts';

/**
 * Finds the Redis riskgraph uses: `REDIS_URL` when set; else the conventional local Redis at
 * 127.0.0.1:6379 when it answers; else a `redis-server` from PATH that this process starts on a
 * free loopback port, with append-only persistence under the data directory, so queued events
 * survive a restart of Redis. A second process on the same data directory attaches to it.
 */
export interface LocalRedis {
  url: string;
  /** True when this process started the server. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface RedisLocalOptions {
  url: string | undefined;
  dataDir: string;
  log?: (message: string) => void;
  /** The conventional local Redis port tried before starting one; tests pass a closed port. */
  defaultPort?: number;
}

const noop = async () => {};

export async function ensureRedis(options: RedisLocalOptions): Promise<LocalRedis> {
  if (options.url !== undefined) return { url: options.url, owned: false, stop: noop };
  const defaultPort = options.defaultPort ?? 6379;
  if (await pings('127.0.0.1', defaultPort)) return { url: `redis://127.0.0.1:${defaultPort}`, owned: false, stop: noop };

  const dir = path.join(options.dataDir, 'redis');
  const descriptorPath = path.join(dir, 'riskgraph-redis.json');
  mkdirSync(dir, { recursive: true });
  const existing = readDescriptor(descriptorPath);
  if (existing !== null && isAlive(existing.pid) && (await pings('127.0.0.1', existing.port))) {
    return { url: `redis://127.0.0.1:${existing.port}`, owned: false, stop: noop };
  }

  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--bind', '127.0.0.1',
      '--port', String(port),
      '--dir', dir,
      '--appendonly', 'yes',
      '--appendfsync', 'everysec',
      '--save', '',
      // BullMQ needs keys never to be evicted.
      '--maxmemory-policy', 'noeviction',
      '--logfile', path.join(dir, 'redis.log'),
    ],
    // Its own process group, so a terminal's Ctrl-C reaches only riskgraph, which stops it last.
    { stdio: 'ignore', detached: true },
  );
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(new DomainError(ErrorCode.INFRA_START_FAILED, `cannot start redis-server (is it installed?): ${error.message}`)),
    );
  });
  const deadline = Date.now() + 15_000;
  while (!(await Promise.race([pings('127.0.0.1', port), spawnError]))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new DomainError(ErrorCode.INFRA_START_FAILED, `redis-server did not start; see ${path.join(dir, 'redis.log')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  writeFileSync(descriptorPath, JSON.stringify({ pid: child.pid, port }));
  // In its own process group it outlives a forced exit of this process unless told to go
  // ('exit' listeners must be synchronous; a signal is).
  const stopOnExit = (): void => void child.kill('SIGTERM');
  process.on('exit', stopOnExit);
  options.log?.(`started redis-server on redis://127.0.0.1:${port} (data in ${dir})`);
  return { url: `redis://127.0.0.1:${port}`, owned: true, stop: () => {
      process.off('exit', stopOnExit);
      return stopChild(child, descriptorPath);
    },
  };
}

async function stopChild(child: ChildProcess, descriptorPath: string): Promise<void> {
  rmSync(descriptorPath, { force: true });
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function readDescriptor(file: string): { pid: number; port: number } | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown; port?: unknown };
    return typeof value.pid === 'number' && typeof value.port === 'number' ? { pid: value.pid, port: value.port } : null;
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when a Redis answers PING on host:port within the timeout. */
export function pings(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
