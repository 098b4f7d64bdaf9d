/**
 * A real Neo4j 5.26 LTS started by riskgraph itself, without Docker: the official community
 * DBMS jars from Maven Central, run by neo4j-launcher/Neo4jLauncher.java in a child JVM with
 * only Bolt open on 127.0.0.1 and authentication off.
 *
 * One data directory holds at most one Neo4j. Its home is `<dataDir>/neo4j/`, and
 * `<dataDir>/neo4j/riskgraph-neo4j.json` ({pid, uri, startedAt}) says which process serves it,
 * so a second riskgraph process on the same directory (a dev server and the test suite, say)
 * attaches to the running one instead of failing on Neo4j's store lock. A start lock file
 * serialises concurrent starters, so racing processes end up sharing one Neo4j.
 *
 * Unless started in the foreground, the JVM runs in its own process group (so a terminal's
 * Ctrl-C does not stop it before riskgraph has drained), its stdin is a pipe from this process
 * and the launcher exits when it reads EOF: however this process ends (even SIGKILL), Neo4j
 * follows instead of outliving it as an orphan.
 *
 * This module stands alone on purpose (node: built-ins only, no project imports, no
 * environment reads except JAVA_HOME, which names the JVM), so the CLI, the composition root
 * and the test global setup can all use it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { link, mkdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export interface LocalNeo4jOptions {
  /** riskgraph's data directory; Neo4j lives in its `neo4j/` subdirectory. */
  dataDir: string;
  /** Page cache size in Neo4j's syntax (`256m`, `1g`); default 256m. */
  pageCache?: string;
  /** Maximum JVM heap in -Xmx syntax (`1g`, `512m`); default 1g. */
  heap?: string;
  /** Where progress and Neo4j's stderr go; silent when absent. */
  log?: (msg: string) => void;
  /**
   * Inherit stdin and stderr and do not watch stdin: for a command that runs Neo4j in the
   * terminal until Ctrl-C. This process then stays alive as long as Neo4j does.
   */
  foreground?: boolean;
  /**
   * Bolt port; default 0 (the OS picks a free one, so parallel data directories never
   * collide). A fixed port lets a restarted Neo4j come back where clients expect it (tests).
   */
  port?: number;
}

export interface LocalNeo4j {
  uri: string;
  pid: number;
  /** true when this process started it, false when it attached to one already running on the same data dir */
  owned: boolean;
  /** Stops Neo4j if this process owns it (a no-op when attached); safe to call twice. */
  stop(): Promise<void>;
}

type Log = (msg: string) => void;

const LAUNCHER_DIR = join(dirname(fileURLToPath(import.meta.url)), 'neo4j-launcher');
const POM = join(LAUNCHER_DIR, 'pom.xml');
const LAUNCHER_SOURCE = join(LAUNCHER_DIR, 'src/main/java/riskgraph/Neo4jLauncher.java');
const TARGET_DIR = join(LAUNCHER_DIR, 'target');
const CLASSPATH_FILE = join(TARGET_DIR, 'classpath.txt');
const CLASSES_DIR = join(TARGET_DIR, 'classes');
const LAUNCHER_CLASS_FILE = join(CLASSES_DIR, 'riskgraph/Neo4jLauncher.class');
const BUILD_LOCK = join(TARGET_DIR, 'riskgraph-build.lock');
const LAUNCHER_MAIN_CLASS = 'riskgraph.Neo4jLauncher';

const DESCRIPTOR_FILE = 'riskgraph-neo4j.json';
const START_LOCK_FILE = 'riskgraph-neo4j.lock';
/** The one line the launcher prints on stdout, followed by the Bolt URI. */
const READY_PREFIX = 'RISKGRAPH_NEO4J_READY ';

const DEFAULT_PAGE_CACHE = '256m';
const DEFAULT_HEAP = '1g';
/** A first start creates the system and neo4j stores and warms the JIT; allow for slow disks. */
const READY_TIMEOUT_MS = 180_000;
/** A clean shutdown checkpoints both databases; after this long, SIGKILL (recovery on next start). */
const STOP_TIMEOUT_MS = 30_000;
/** A first Maven build downloads about 130 MB of jars (plus Maven's own plugins). */
const BUILD_LOCK_TIMEOUT_MS = 15 * 60_000;
/** A starter holds the start lock for at most one start, plus slack for a stale predecessor. */
const START_LOCK_TIMEOUT_MS = READY_TIMEOUT_MS + 60_000;
/** How long a Neo4j that is alive but not accepting Bolt connections may take to exit. */
const DYING_PREDECESSOR_WAIT_MS = 30_000;
const POLL_MS = 200;
const TCP_PROBE_TIMEOUT_MS = 1_000;
const STDERR_TAIL_CHARS = 4_000;

/**
 * The flags Neo4j's own launch scripts and test setup pass on Java 17: Neo4j reaches into
 * NIO, reflection and Unsafe internals (page cache, Netty, off-heap collections), which the
 * module system otherwise forbids.
 */
const JVM_FLAGS: readonly string[] = [
  '-XX:+UseG1GC',
  '-XX:-OmitStackTraceInFastThrow',
  '-XX:+UnlockExperimentalVMOptions',
  '-XX:+TrustFinalNonStaticFields',
  '-XX:+DisableExplicitGC',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djdk.nio.maxCachedBufferSize=1024',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Dlog4j2.disable.jmx=true',
  '-Dfile.encoding=UTF-8',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.invoke=ALL-UNNAMED',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-exports=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED',
  // Accepted (and needed by Neo4j's native access) from Java 17 on.
  '--enable-native-access=ALL-UNNAMED',
];

/**
 * Starts a Neo4j on `<dataDir>/neo4j/`, or attaches to the one already serving that
 * directory. Resolves once Bolt accepts connections.
 */
export async function ensureLocalNeo4j(opts: LocalNeo4jOptions): Promise<LocalNeo4j> {
  const log: Log = opts.log ?? (() => {});
  const home = resolve(opts.dataDir, 'neo4j');
  const descriptorPath = join(home, DESCRIPTOR_FILE);
  const heap = opts.heap ?? DEFAULT_HEAP;
  if (!/^\d+[kmgKMG]?$/.test(heap)) {
    throw new Error(`heap must be a JVM size such as 1g or 512m, got "${heap}"`);
  }
  await mkdir(home, { recursive: true });

  const running = await attachIfRunning(descriptorPath, log);
  if (running) return running;

  // Build before taking the start lock: the build has its own lock and may take minutes.
  const { classpath } = await buildLauncher(log);

  const lock = await acquireLock(join(home, START_LOCK_FILE), 'start Neo4j', START_LOCK_TIMEOUT_MS, log);
  try {
    // Whoever held the lock before us may have started it meanwhile.
    const started = await attachIfRunning(descriptorPath, log);
    if (started) return started;
    return await startNeo4j({ home, descriptorPath, classpath, heap, opts, log });
  } finally {
    await lock.release();
  }
}

// ---------------------------------------------------------------------------------------------
// Descriptor: who serves this data directory

interface Descriptor {
  pid: number;
  uri: string;
  startedAt: string;
}

async function readDescriptor(path: string): Promise<Descriptor | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (
      typeof value === 'object' && value !== null &&
      'pid' in value && typeof value.pid === 'number' &&
      'uri' in value && typeof value.uri === 'string' &&
      'startedAt' in value && typeof value.startedAt === 'string'
    ) {
      return { pid: value.pid, uri: value.uri, startedAt: value.startedAt };
    }
  } catch {
    // Unparseable: treated like any other stale descriptor below.
  }
  return { pid: 0, uri: '', startedAt: '' };
}

/** Written to a temporary name and renamed, so a reader never sees half a descriptor. */
async function writeDescriptor(path: string, descriptor: Descriptor): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(descriptor, null, 2)}\n`);
  await rename(temporary, path);
}

/** Removes the descriptor only while it still names `pid`, never a successor's. */
async function removeDescriptor(path: string, pid: number): Promise<void> {
  const current = await readDescriptor(path).catch(() => undefined);
  if (current?.pid === pid) await unlink(path).catch(() => {});
}

/**
 * Attaches when the descriptor's process is alive and its Bolt port accepts a TCP connection.
 * Both are checked because either alone can lie: a pid can be reused by an unrelated process
 * after a crash, and a port can be taken over by something else.
 */
async function attachIfRunning(descriptorPath: string, log: Log): Promise<LocalNeo4j | undefined> {
  const descriptor = await readDescriptor(descriptorPath);
  if (!descriptor) return undefined;

  const address = boltAddress(descriptor.uri);
  const alive = descriptor.pid > 0 && isProcessAlive(descriptor.pid);
  if (alive && address && (await acceptsConnections(address.host, address.port))) {
    log(`Neo4j already running for this data directory (pid ${descriptor.pid}), attaching to ${descriptor.uri}`);
    return { uri: descriptor.uri, pid: descriptor.pid, owned: false, stop: async () => {} };
  }

  log(`Removing stale Neo4j descriptor ${descriptorPath} (pid ${descriptor.pid} ${alive ? 'is not accepting Bolt connections' : 'is gone'})`);
  if (alive) {
    // Most likely a Neo4j shutting down (its parent died and Bolt closes first): it still holds
    // the store lock, so starting now would fail. Give it a moment, but not forever, since the
    // pid may also belong to an unrelated process by now.
    await waitUntil(() => !isProcessAlive(descriptor.pid), DYING_PREDECESSOR_WAIT_MS);
  }
  await removeDescriptor(descriptorPath, descriptor.pid);
  return undefined;
}

function boltAddress(uri: string): { host: string; port: number } | undefined {
  try {
    const url = new URL(uri);
    const port = Number(url.port);
    return url.hostname && Number.isInteger(port) && port > 0 ? { host: url.hostname, port } : undefined;
  } catch {
    return undefined;
  }
}

function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(TCP_PROBE_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// ---------------------------------------------------------------------------------------------
// Starting and stopping the JVM

interface StartRequest {
  home: string;
  descriptorPath: string;
  classpath: string;
  heap: string;
  opts: LocalNeo4jOptions;
  log: Log;
}

async function startNeo4j(request: StartRequest): Promise<LocalNeo4j> {
  const { home, descriptorPath, classpath, heap, opts, log } = request;
  const foreground = opts.foreground ?? false;
  const debugLog = join(home, 'logs', 'debug.log');
  const args = [
    ...JVM_FLAGS,
    // No -Xms: Neo4j recommends -Xms = -Xmx for servers, but a local instance should grow its
    // heap (and resident memory) only as far as its workload needs.
    `-Xmx${heap}`,
    '-cp',
    classpath,
    LAUNCHER_MAIN_CLASS,
    '--home',
    home,
    '--port',
    String(opts.port ?? 0),
    '--page-cache',
    opts.pageCache ?? DEFAULT_PAGE_CACHE,
    ...(foreground ? [] : ['--watch-stdin']),
  ];

  log(`Starting Neo4j in ${home} (logs in ${join(home, 'logs')})`);
  const startedAtMs = Date.now();
  const child = spawn(javaExecutable(), args, {
    cwd: home,
    stdio: foreground ? ['inherit', 'pipe', 'inherit'] : ['pipe', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C (SIGINT to the whole foreground group) then
    // reaches only riskgraph, which drains against a live store and stops Neo4j last. The
    // stdin watch still takes Neo4j down if riskgraph dies without stopping it.
    detached: !foreground,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });

  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // Always drained: a full stderr pipe would block the JVM.
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    for (const line of chunk.split('\n')) if (line.trim()) log(`neo4j: ${line}`);
  });

  let uri: string;
  try {
    uri = await waitForReady(child, exited);
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    const reason = error instanceof Error ? error.message : String(error);
    const tail = stderrTail.trim();
    throw new Error(
      `Neo4j failed to start in ${home}: ${reason}.` +
        (tail ? `\nLast stderr output of the JVM:\n${tail}` : '') +
        `\nNeo4j's log: ${debugLog}`,
    );
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('Neo4j started but its pid is unknown');
  log(`Neo4j ready at ${uri} (pid ${pid}, ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s)`);
  await writeDescriptor(descriptorPath, { pid, uri, startedAt: new Date().toISOString() });

  let stopping = false;
  let stopped: Promise<void> | undefined;

  // On a normal exit of this process the pipe closes and Neo4j shuts itself down, which takes
  // a second or two; drop the descriptor now so nobody attaches to it in the meantime.
  // ('exit' listeners must be synchronous.)
  const forgetOnExit = (): void => {
    try {
      const current: unknown = JSON.parse(readFileSync(descriptorPath, 'utf8'));
      if (typeof current === 'object' && current !== null && 'pid' in current && current.pid === pid) {
        rmSync(descriptorPath);
      }
    } catch {
      // Exiting anyway; the next start treats the descriptor as stale.
    }
  };
  process.on('exit', forgetOnExit);

  void exited.then(({ code, signal }) => {
    if (!stopping) log(`Neo4j (pid ${pid}) exited unexpectedly (${signal ?? `code ${code}`}); see ${debugLog}`);
  });

  if (!foreground) {
    // Never keep this process alive just for Neo4j: when it has nothing else to do it exits,
    // the stdin pipe closes and Neo4j follows. Foreground mode keeps it referenced instead.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) unrefStream(stream);
  }

  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      process.off('exit', forgetOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        log(`Stopping Neo4j (pid ${pid})`);
        // Referenced again so that this process stays alive until Neo4j has actually gone.
        child.ref();
        child.kill('SIGTERM');
        const timeout = new AbortController();
        const timedOut = await Promise.race([
          exited.then(() => false),
          delay(STOP_TIMEOUT_MS, true, { signal: timeout.signal }).catch(() => false),
        ]);
        timeout.abort();
        if (timedOut) {
          log(`Neo4j (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s, killing it`);
          child.kill('SIGKILL');
          await exited;
        }
      }
      await removeDescriptor(descriptorPath, pid);
    })();
    return stopped;
  };
  return { uri, pid, owned: true, stop };
}

/** Resolves with the Bolt URI from the launcher's ready line; rejects on exit or timeout. */
function waitForReady(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
): Promise<string> {
  return new Promise((resolveReady, rejectReady) => {
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    const timer = setTimeout(
      () => settle(() => rejectReady(new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s`))),
      READY_TIMEOUT_MS,
    );

    let buffered = '';
    const stdout = child.stdout;
    if (!stdout) {
      settle(() => rejectReady(new Error('the JVM has no stdout pipe')));
      return;
    }
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => {
      // Keep reading after the ready line too, so the pipe never fills.
      if (settled) return;
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line.startsWith(READY_PREFIX)) {
          const uri = line.slice(READY_PREFIX.length).trim();
          settle(() => resolveReady(uri));
          return;
        }
      }
    });
    child.once('error', (error) => settle(() => rejectReady(error)));
    void exited.then(({ code, signal }) =>
      settle(() => rejectReady(new Error(`the JVM exited before it was ready (${signal ?? `exit code ${code}`})`))),
    );
  });
}

function javaExecutable(): string {
  // The one environment variable read here: it names the JVM, as for every Java tool.
  const javaHome = process.env['JAVA_HOME'];
  return javaHome ? join(javaHome, 'bin', 'java') : 'java';
}

function unrefStream(stream: unknown): void {
  // Pipes are net.Sockets at run time, but ChildProcess types them as plain streams.
  if (stream && typeof stream === 'object' && 'unref' in stream && typeof stream.unref === 'function') {
    stream.unref();
  }
}

// ---------------------------------------------------------------------------------------------
// Building the launcher with Maven

let building: Promise<{ classpath: string }> | undefined;

/**
 * Resolves Neo4j's jars from Maven Central and compiles Neo4jLauncher, unless an earlier build
 * is still current; returns the JVM classpath. Cached per process; a file lock keeps
 * concurrent processes (the test suite and a dev server, say) from building at once.
 */
export async function buildLauncher(log?: (msg: string) => void): Promise<{ classpath: string }> {
  building ??= buildLauncherOnce(log ?? (() => {})).catch((error: unknown) => {
    building = undefined; // let a later call retry, e.g. once the network is back
    throw error;
  });
  return building;
}

async function buildLauncherOnce(log: Log): Promise<{ classpath: string }> {
  if (await isBuildCurrent()) return { classpath: await readClasspath() };

  await mkdir(TARGET_DIR, { recursive: true });
  const lock = await acquireLock(BUILD_LOCK, 'build the Neo4j launcher', BUILD_LOCK_TIMEOUT_MS, log);
  try {
    // Another process may have built it while we waited for the lock.
    if (await isBuildCurrent()) return { classpath: await readClasspath() };

    log('Building the Neo4j launcher with Maven (the first build downloads about 130 MB of Neo4j jars)');
    const goals = [
      '-q',
      '-B',
      '-f',
      POM,
      'compile',
      'dependency:build-classpath',
      `-Dmdep.outputFile=${CLASSPATH_FILE}`,
      // Maven 3.8's default compiler plugin (3.1) ignores maven.compiler.release and would
      // compile for Java 5, which javac 17 refuses.
      '-Dmaven.compiler.source=17',
      '-Dmaven.compiler.target=17',
    ];
    // Offline first: once ~/.m2 holds the jars this needs no network and is faster.
    let result = await runMaven(['-o', ...goals]);
    if (result.code !== 0) {
      log('Offline Maven build failed, retrying online');
      result = await runMaven(goals);
    }
    if (result.code !== 0) {
      throw new Error(
        `Maven could not build the Neo4j launcher (exit code ${result.code}):\n${result.output.trim().slice(-STDERR_TAIL_CHARS)}`,
      );
    }
    // Maven leaves these untouched when their content has not changed; mark them as current
    // so the freshness check does not send every later start through Maven again.
    const now = new Date();
    await utimes(CLASSPATH_FILE, now, now);
    await utimes(LAUNCHER_CLASS_FILE, now, now);
    log('Neo4j launcher built');
    return { classpath: await readClasspath() };
  } finally {
    await lock.release();
  }
}

async function isBuildCurrent(): Promise<boolean> {
  const [pom, source, classpath, launcher] = await Promise.all(
    [POM, LAUNCHER_SOURCE, CLASSPATH_FILE, LAUNCHER_CLASS_FILE].map((file) => modifiedMs(file)),
  );
  if (pom === undefined || source === undefined) {
    throw new Error(`The Neo4j launcher sources are missing from ${LAUNCHER_DIR}`);
  }
  const inputs = Math.max(pom, source);
  return classpath !== undefined && launcher !== undefined && classpath > inputs && launcher > inputs;
}

async function readClasspath(): Promise<string> {
  const dependencies = (await readFile(CLASSPATH_FILE, 'utf8')).trim();
  return [CLASSES_DIR, dependencies].filter(Boolean).join(':');
}

function runMaven(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, rejectRun) => {
    const maven = spawn('mvn', args, { cwd: LAUNCHER_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-64_000);
    };
    maven.stdout.on('data', collect);
    maven.stderr.on('data', collect);
    maven.once('error', (error) =>
      rejectRun(isErrno(error, 'ENOENT') ? new Error('Maven (mvn) is not on the PATH; it is needed to fetch Neo4j') : error),
    );
    maven.once('close', (code) => resolveRun({ code, output }));
  });
}

// ---------------------------------------------------------------------------------------------
// Cross-process lock files

interface LockHolder {
  pid: number;
  token: string;
}

interface HeldLock {
  release(): Promise<void>;
}

/**
 * An exclusive lock shared by processes through a file holding the owner's pid and a random
 * token. The file is written under a private name and then hard-linked into place, which is
 * atomic and fails if the lock exists, so nobody ever reads a half-written lock. A lock whose
 * pid is dead is stale (its owner crashed) and is broken. A lock whose pid is alive is waited
 * for, including our own pid: two callers in one process serialise like two processes.
 */
async function acquireLock(path: string, purpose: string, timeoutMs: number, log: Log): Promise<HeldLock> {
  const holder: LockHolder = { pid: process.pid, token: randomBytes(8).toString('hex') };
  const temporary = `${path}.${holder.pid}.${holder.token}`;
  await writeFile(temporary, JSON.stringify(holder));
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  try {
    for (;;) {
      try {
        await link(temporary, path);
        return {
          release: async () => {
            const current = await readLockHolder(path);
            if (current?.token === holder.token) await unlink(path).catch(() => {});
          },
        };
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) throw error;
      }
      const current = await readLockHolder(path);
      if (current && !isProcessAlive(current.pid)) {
        log(`Breaking stale lock ${path} left by pid ${current.pid}`);
        await breakStaleLock(path, current.token);
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for pid ${current?.pid ?? '?'} to ${purpose} (lock ${path})`);
      }
      if (!announced && current) {
        log(`Waiting for pid ${current.pid} to ${purpose}`);
        announced = true;
      }
      await delay(POLL_MS);
    }
  } finally {
    await unlink(temporary).catch(() => {});
  }
}

/**
 * Removes a stale lock without removing a fresh one: two waiters can both judge the same lock
 * stale, and the slower one must not delete the lock the faster one has just taken. So the
 * lock is first renamed aside (atomic) and then checked to be the one judged stale; if it is
 * not, it is linked back. (Should a third process take the lock in that instant, two
 * starters could run at once; Neo4j's own store lock then fails the second one.)
 */
async function breakStaleLock(path: string, staleToken: string): Promise<void> {
  const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return; // someone else broke it first
    throw error;
  }
  const moved = await readLockHolder(aside);
  if (moved && moved.token !== staleToken) await link(aside, path).catch(() => {});
  await unlink(aside).catch(() => {});
}

async function readLockHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (
      typeof value === 'object' && value !== null &&
      'pid' in value && typeof value.pid === 'number' &&
      'token' in value && typeof value.token === 'string'
    ) {
      return { pid: value.pid, token: value.token };
    }
    // A lock file we cannot read was not written by this module; pid 0 makes it stale.
    return { pid: 0, token: '' };
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    return { pid: 0, token: '' };
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM'); // exists, but belongs to another user
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await delay(POLL_MS);
  }
  return true;
}

async function modifiedMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
