/**
 * Generates a synthetic organisation's security events as ECS NDJSON, in global time order,
 * with ground-truth labels for the injected scenarios.
 *
 *   node seeds/generate.ts --users 200 --days 30 --seed 42 --scenarios all \
 *        --out events.ndjson --labels labels.csv [--benign all] [--events-target N]
 *
 * Output is produced one day at a time: every user's local day `d` is generated, then each
 * UTC day that no later local day can reach (time zones span less than a day) is sorted and
 * written. Memory holds about three days of events, not the dataset.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Behaviour, type Period, type SessionHook, type UserOverrides, emptyOverrides } from './behaviour.ts';
import { type ByteSink, DayBuckets } from './day-buckets.ts';
import { type Capture, DAY_MS, EventWriter, IdSequence, newCapture } from './ecs.ts';
import { buildOrganisation, hrRecord, type Organisation, type User } from './organisation.ts';
import { Rng, STREAM, seedFor } from './random.ts';
import { generateCertToFiles } from './cert.ts';
import {
  type Injection,
  SCENARIOS,
  type ScenarioContext,
  type ScenarioDefinition,
  type ScenarioKind,
  labelOf,
  scenarioByName,
} from './scenarios.ts';

/** A scenario by name, optionally with how many instances (default 1). */
export type ScenarioRequest = string | { name: string; count?: number };
/** `all` selects every scenario of the kind, `none` none. */
export type ScenarioSelection = 'all' | 'none' | readonly ScenarioRequest[];

export interface GeneratorOptions {
  /** PRNG seed, 0 to 2^32 - 1; the same seed and options give byte-identical output. Default 42. */
  seed?: number;
  /** People in the organisation (service accounts come on top). Default 200, at least 9. */
  users?: number;
  /** Local calendar days to generate. Default 30. */
  days?: number;
  /** First day, YYYY-MM-DD (UTC midnight). Default 2024-03-04, a Monday. */
  start?: string;
  /** Service accounts, 0–4. Default 4. */
  serviceAccounts?: number;
  /** The organisation's mail domain. Default example.com. */
  domain?: string;
  /** Attack scenarios. Default none. */
  scenarios?: ScenarioSelection;
  /** Hard negatives, labelled `benign:<name>`. Default none. */
  benign?: ScenarioSelection;
  /** Multiplier on the attacks' volume. Default 1. */
  intensity?: number;
  /** Fractions of the period within which attacks start. Default [0.5, 0.95]. */
  attackWindow?: readonly [number, number];
  /** Multiplier on the event rate of normal sessions. Default 1. */
  activity?: number;
  /**
   * Aim for about this many events: scales `days` when `days` is not given, else `activity`.
   * Calibrated on a 7-day counting run of the same organisation.
   */
  eventsTarget?: number;
}

export interface ResolvedOptions {
  seed: number;
  users: number;
  days: number;
  start: string;
  startMs: number;
  serviceAccounts: number;
  domain: string;
  scenarios: readonly { definition: ScenarioDefinition; count: number }[];
  benign: readonly { definition: ScenarioDefinition; count: number }[];
  intensity: number;
  attackWindow: readonly [number, number];
  activity: number;
  eventsTarget: number | null;
}

/** Ground truth of one injected scenario instance. */
export interface InjectedScenario {
  /** Label value: the attack's name, or `benign:<name>`. */
  scenario: string;
  kind: ScenarioKind;
  user: string;
  /** Label window, epoch ms UTC. */
  start: number;
  end: number;
  /** Ids of the events the scenario itself wrote (empty for pure behaviour changes). */
  eventIds: readonly string[];
}

/** A row of the labels CSV: `user,scenario,start,end` with ISO UTC times. */
export interface LabelRow {
  user: string;
  scenario: string;
  start: string;
  end: string;
}

export interface DatasetResult {
  organisation: Organisation;
  options: ResolvedOptions;
  period: Period;
  events: number;
  bytes: number;
  injected: readonly InjectedScenario[];
  labels: readonly LabelRow[];
  benignLabels: readonly LabelRow[];
}

/** Receives the NDJSON bytes (ASCII) in order, up to a day's worth per call. */
export type EventSink = ByteSink;

const DEFAULTS = {
  seed: 42,
  users: 200,
  days: 30,
  start: '2024-03-04',
  serviceAccounts: 4,
  domain: 'example.com',
  intensity: 1,
  attackWindow: [0.5, 0.95] as const,
  activity: 1,
};

/** Days of the calibration run behind `eventsTarget`. */
const CALIBRATION_DAYS = 7;

const kindName = (kind: ScenarioKind): string => (kind === 'attack' ? 'an attack' : 'a hard negative');

function resolveSelection(selection: ScenarioSelection | undefined, kind: ScenarioKind) {
  if (selection === undefined || selection === 'none') return [];
  if (selection === 'all') return SCENARIOS.filter((s) => s.kind === kind).map((definition) => ({ definition, count: 1 }));
  return selection.map((request) => {
    const { name, count = 1 } = typeof request === 'string' ? { name: request } : request;
    const definition = scenarioByName(name);
    if (definition.kind !== kind) throw new RangeError(`"${name}" is ${kindName(definition.kind)}, not ${kindName(kind)}`);
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count of "${name}" must be a non-negative integer`);
    return { definition, count };
  });
}

/** Validates the options and fills in the defaults; lists every problem at once. */
export function resolveOptions(options: GeneratorOptions = {}): ResolvedOptions {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as GeneratorOptions;
  const o = { ...DEFAULTS, ...given };
  const problems: string[] = [];
  const integer = (name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isInteger(v) || v < min || v > max) problems.push(`${name} must be an integer in [${min}, ${max}] (got ${v})`);
  };
  integer('users', o.users, 9);
  integer('days', o.days, 1);
  integer('serviceAccounts', o.serviceAccounts, 0, 4);
  integer('seed', o.seed, 0, 0xffffffff);
  if (o.eventsTarget !== undefined) integer('eventsTarget', o.eventsTarget, 1);
  const startMs = Date.parse(`${o.start}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.start) || Number.isNaN(startMs)) problems.push(`start must be YYYY-MM-DD (got ${o.start})`);
  // Written into every mail address unescaped (see ecs.ts).
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(o.domain)) problems.push(`domain must be a lower-case DNS name (got ${o.domain})`);
  if (!(o.intensity > 0)) problems.push(`intensity must be > 0 (got ${o.intensity})`);
  if (!(o.activity > 0)) problems.push(`activity must be > 0 (got ${o.activity})`);
  const [from, to] = o.attackWindow;
  if (!(from >= 0 && to <= 1 && from <= to)) problems.push(`attackWindow must satisfy 0 ≤ from ≤ to ≤ 1 (got ${from},${to})`);
  let scenarios: ResolvedOptions['scenarios'] = [];
  let benign: ResolvedOptions['benign'] = [];
  try {
    scenarios = resolveSelection(options.scenarios, 'attack');
    benign = resolveSelection(options.benign, 'benign');
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0) throw new RangeError(`invalid generator options:\n- ${problems.join('\n- ')}`);
  return {
    seed: o.seed,
    users: o.users,
    days: o.days,
    start: o.start,
    startMs,
    serviceAccounts: o.serviceAccounts,
    domain: o.domain,
    scenarios,
    benign,
    intensity: o.intensity,
    attackWindow: [from, to],
    activity: o.activity,
    eventsTarget: o.eventsTarget ?? null,
  };
}

/** Events per day of normal behaviour over the first `days` days, from a counting run. */
function eventsPerDay(org: Organisation, resolved: ResolvedOptions, days: number, activity: number): number {
  const period: Period = { startMs: resolved.startMs, days };
  const counter = new EventWriter(null);
  const behaviour = new Behaviour(org, period, { seed: resolved.seed, activity, idPrefix: '' }, new Map());
  for (let day = 0; day < days; day++) behaviour.day(day, counter);
  return Math.max(1, counter.count / days);
}

/**
 * Scales days (or, when `days` was given, activity) so that about `eventsTarget` events come
 * out, from the event rate of short counting runs of the same organisation. Activity does not
 * scale the logons and logoffs around the sessions, so it takes a second, corrective run.
 */
function calibrate(resolved: ResolvedOptions, daysGiven: boolean, org: Organisation): ResolvedOptions {
  if (resolved.eventsTarget === null) return resolved;
  const humans = org.users.filter((u) => u.kind === 'human').length;
  const wanted = Math.max(1, resolved.eventsTarget - humans);
  if (!daysGiven) {
    const perDay = eventsPerDay(org, resolved, CALIBRATION_DAYS, resolved.activity);
    return { ...resolved, days: Math.max(1, Math.round(wanted / perDay)) };
  }
  const days = Math.min(resolved.days, CALIBRATION_DAYS);
  let activity = resolved.activity;
  for (let round = 0; round < 2; round++) {
    activity *= wanted / (eventsPerDay(org, resolved, days, activity) * resolved.days);
  }
  return { ...resolved, activity };
}

interface PlannedInjection {
  definition: ScenarioDefinition;
  injection: Injection;
  capture: Capture;
}

/** Plans every requested scenario instance; their own sessions are written into `out`. */
function planScenarios(
  org: Organisation,
  period: Period,
  resolved: ResolvedOptions,
  out: EventWriter,
  idPrefix: string,
): { overrides: Map<number, UserOverrides>; planned: PlannedInjection[] } {
  const overrides = new Map<number, UserOverrides>();
  const claimed = new Set<number>();
  const planned: PlannedInjection[] = [];
  const overridesOf = (user: User): UserOverrides => {
    let o = overrides.get(user.index);
    if (o === undefined) {
      o = emptyOverrides();
      overrides.set(user.index, o);
    }
    return o;
  };
  const window = {
    from: Math.floor(period.days * (resolved.attackWindow[0] as number)),
    to: Math.max(0, Math.ceil(period.days * (resolved.attackWindow[1] as number)) - 1),
  };
  for (const { definition, count } of [...resolved.scenarios, ...resolved.benign]) {
    const registryIndex = SCENARIOS.indexOf(definition);
    for (let k = 0; k < count; k++) {
      const rng = new Rng(seedFor(resolved.seed, STREAM.scenario, registryIndex, k));
      const capture = newCapture();
      const ctx: ScenarioContext = {
        org,
        period,
        rng,
        intensity: resolved.intensity,
        window,
        out,
        ids: new IdSequence(`${idPrefix}-x${registryIndex.toString(36)}-${k.toString(36)}-`),
        claimUser(accept) {
          const candidates = org.users.filter(
            (u) => u.kind === 'human' && !claimed.has(u.index) && (accept === undefined || accept(u)),
          );
          if (candidates.length === 0) {
            throw new RangeError(
              `scenario ${definition.name}: no unclaimed user fits in an organisation of ${resolved.users}; use more users or fewer scenarios`,
            );
          }
          // Leave the scarce people (administrators, heavy-transfer roles) to the scenarios
          // that need them, unless nobody else fits.
          const ordinary = candidates.filter((u) => !u.privileged && u.habits.transferScale === 1);
          const user = rng.pick(ordinary.length > 0 ? ordinary : candidates);
          claimed.add(user.index);
          return user;
        },
        overrides: overridesOf,
        inSession(user, day, hook) {
          const o = overridesOf(user);
          o.workDays.add(day);
          const captured: SessionHook = (session, writer) => {
            const previous = writer.capture;
            writer.capture = capture;
            try {
              hook(session, writer);
            } finally {
              writer.capture = previous;
            }
          };
          o.hooks.set(day, [...(o.hooks.get(day) ?? []), captured]);
        },
      };
      out.capture = capture;
      try {
        planned.push({ definition, injection: definition.plan(ctx), capture });
      } finally {
        out.capture = null;
      }
    }
  }
  return { overrides, planned };
}

function labelRow(i: InjectedScenario): LabelRow {
  return { user: i.user, scenario: i.scenario, start: new Date(i.start).toISOString(), end: new Date(i.end).toISOString() };
}

export function labelsCsv(rows: readonly LabelRow[]): string {
  return `user,scenario,start,end\n${rows.map((r) => `${r.user},${r.scenario},${r.start},${r.end}\n`).join('')}`;
}

/** Generates the dataset into `sink`; resolves once the last chunk is accepted. */
export async function generateDataset(options: GeneratorOptions, sink: EventSink): Promise<DatasetResult> {
  const initial = resolveOptions(options);
  const organisation = buildOrganisation({
    seed: initial.seed,
    users: initial.users,
    serviceAccounts: initial.serviceAccounts,
    domain: initial.domain,
  });
  const resolved = calibrate(initial, options.days !== undefined, organisation);
  const period: Period = { startMs: resolved.startMs, days: resolved.days };
  const idPrefix = `s${resolved.seed.toString(36)}`;
  const buckets = new DayBuckets(period.startMs, period.days);
  const out = new EventWriter((ts, line) => buckets.add(ts, line));

  const { overrides, planned } = planScenarios(organisation, period, resolved, out, idPrefix);

  // The HR directory as it stands the day before the period (new hires arrive later).
  const hrIds = new IdSequence(`${idPrefix}-hr-`);
  for (const user of organisation.users) {
    if (user.kind !== 'human' || overrides.get(user.index)?.activeFromDay !== undefined) continue;
    out.hr(period.startMs - DAY_MS, hrIds, user.id, hrRecord(user, 'ACTIVE', user.hireDate));
  }

  const behaviour = new Behaviour(organisation, period, { seed: resolved.seed, activity: resolved.activity, idPrefix }, overrides);
  let bytes = 0;
  for (let day = 0; day < period.days; day++) {
    behaviour.day(day, out);
    // Local day `day` reaches back into UTC day `day - 1` at most, so earlier days are final.
    bytes += await buckets.writeThrough(day - 1, sink);
  }
  bytes += await buckets.writeThrough(period.days + 1, sink);

  const injected: InjectedScenario[] = planned.map(({ definition, injection, capture }) => {
    const window = injection.window ?? { start: capture.first, end: capture.last };
    if (!Number.isFinite(window.start)) throw new Error(`scenario ${definition.name} wrote no events`);
    return {
      scenario: labelOf(definition),
      kind: definition.kind,
      user: injection.user.id,
      start: window.start,
      end: window.end,
      eventIds: capture.ids,
    };
  });
  return {
    organisation,
    options: resolved,
    period,
    events: out.count,
    bytes,
    injected,
    labels: injected.filter((i) => i.kind === 'attack').map(labelRow),
    benignLabels: injected.filter((i) => i.kind === 'benign').map(labelRow),
  };
}

export interface FileOptions extends GeneratorOptions {
  /** NDJSON output path. */
  out: string;
  /** Attack labels CSV path; not written when absent. */
  labels?: string;
  /** Hard-negative labels CSV path; defaults to `<labels>.benign.csv` when there are any. */
  benignLabels?: string;
}

export interface GenerationSummary {
  users: number;
  serviceAccounts: number;
  days: number;
  events: number;
  bytes: number;
  attacks: number;
  benign: number;
  seconds: number;
  eventsPerSecond: number;
  out: string;
  labels: string | null;
  benignLabels: string | null;
}

/** Generates the dataset to files through a buffered stream. */
export async function generateToFiles(options: FileOptions): Promise<GenerationSummary> {
  const started = performance.now();
  const stream = createWriteStream(options.out, { highWaterMark: 4 << 20 });
  let result: DatasetResult;
  try {
    result = await generateDataset(options, {
      write(chunk) {
        if (!stream.write(chunk)) return once(stream, 'drain').then(() => undefined);
        return undefined;
      },
    });
    stream.end();
    await finished(stream);
  } catch (error) {
    // No half-written dataset left behind to be mistaken for a whole one.
    stream.destroy();
    await rm(options.out, { force: true });
    throw error;
  }
  let benignPath: string | null = null;
  if (options.labels !== undefined) await writeFile(options.labels, labelsCsv(result.labels));
  if (options.benignLabels !== undefined || (options.labels !== undefined && result.benignLabels.length > 0)) {
    benignPath = options.benignLabels ?? `${(options.labels as string).replace(/\.csv$/, '')}.benign.csv`;
    await writeFile(benignPath, labelsCsv(result.benignLabels));
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    users: result.options.users,
    serviceAccounts: result.options.serviceAccounts,
    days: result.period.days,
    events: result.events,
    bytes: result.bytes,
    attacks: result.labels.length,
    benign: result.benignLabels.length,
    seconds: Math.round(seconds * 1000) / 1000,
    eventsPerSecond: Math.round(result.events / seconds),
    out: options.out,
    labels: options.labels ?? null,
    benignLabels: benignPath,
  };
}

/** `all`, `none`, or `name[:count],…`. */
function parseSelection(text: string | undefined): ScenarioSelection | undefined {
  if (text === undefined || text === 'all' || text === 'none') return text;
  return text
    .split(',')
    .filter((part) => part !== '')
    .map((part) => {
      const [name = '', count] = part.split(':');
      return count === undefined ? name : { name, count: Number(count) };
    });
}

const USAGE = `usage: node seeds/generate.ts [options]
       node seeds/generate.ts --shape cert [cert options]
  --shape ecs|cert       ecs (default): ECS NDJSON; cert: the CERT insider-threat CSV layout
  --users N              people in the organisation (default 200)
  --days N               days to generate (default 30)
  --seed N               PRNG seed (default 42)
  --start YYYY-MM-DD     first day (default 2024-03-04)
  --service-accounts N   service accounts, 0-4 (default 4)
  --scenarios SEL        attacks: all | none | name[:count],... (default none)
  --benign SEL           hard negatives: all | none | name[:count],... (default none)
  --intensity X          attack volume multiplier (default 1)
  --attack-window A,B    fractions of the period attacks start in (default 0.5,0.95)
  --activity X           normal event-rate multiplier (default 1)
  --events-target N      aim for about N events (scales days, or activity if --days is given)
  --out FILE             NDJSON output (default events.ndjson)
  --labels FILE          attack labels CSV
  --benign-labels FILE   hard-negative labels CSV (default <labels>.benign.csv)
cert options (seeds/cert.ts):
  --users N              people at the start (default 200, at least 30)
  --months N             calendar months (default 6)
  --seed N               PRNG seed (default 1)
  --start YYYY-MM        first month (default 2010-01)
  --insiders A,B,C       insiders of scenarios 1, 2, 3 (default 7 % of users, 3:3:1)
  --attrition P          monthly probability that an employee leaves (default 0.015)
  --activity X           web, mail and file volume multiplier (default 1)
  --out DIR              output folder (default cert-data): *.csv, LDAP/, answers/labels.csv
Prints a JSON summary.`;

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      users: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      start: { type: 'string' },
      'service-accounts': { type: 'string' },
      scenarios: { type: 'string' },
      benign: { type: 'string' },
      intensity: { type: 'string' },
      'attack-window': { type: 'string' },
      activity: { type: 'string' },
      'events-target': { type: 'string' },
      out: { type: 'string', default: 'events.ndjson' },
      labels: { type: 'string' },
      'benign-labels': { type: 'string' },
      shape: { type: 'string' },
      months: { type: 'string' },
      insiders: { type: 'string' },
      attrition: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  const shape = values.shape ?? 'ecs';
  if (shape === 'cert') {
    const ecsOnly = (['days', 'service-accounts', 'scenarios', 'benign', 'intensity', 'attack-window', 'events-target', 'labels', 'benign-labels'] as const)
      .filter((k) => values[k] !== undefined);
    if (ecsOnly.length > 0) throw new RangeError(`--shape cert does not take ${ecsOnly.map((k) => `--${k}`).join(', ')}`);
    const insiders = values.insiders?.split(',').map(Number);
    if (insiders !== undefined && insiders.length !== 3) throw new RangeError(`--insiders takes three counts A,B,C (got ${values.insiders})`);
    const summary = generateCertToFiles({
      out: values.out === undefined || values.out === 'events.ndjson' ? 'cert-data' : values.out,
      ...(values.users === undefined ? {} : { users: Number(values.users) }),
      ...(values.months === undefined ? {} : { months: Number(values.months) }),
      ...(values.seed === undefined ? {} : { seed: Number(values.seed) }),
      ...(values.start === undefined ? {} : { start: values.start }),
      ...(insiders === undefined ? {} : { insiders: [insiders[0]!, insiders[1]!, insiders[2]!] as const }),
      ...(values.attrition === undefined ? {} : { attrition: Number(values.attrition) }),
      ...(values.activity === undefined ? {} : { activity: Number(values.activity) }),
    });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  if (shape !== 'ecs') throw new RangeError(`--shape must be ecs or cert (got ${shape})`);
  const certOnly = (['months', 'insiders', 'attrition'] as const).filter((k) => values[k] !== undefined);
  if (certOnly.length > 0) throw new RangeError(`${certOnly.map((k) => `--${k}`).join(', ')} only apply to --shape cert`);
  const windowParts = values['attack-window']?.split(',').map(Number);
  const options: FileOptions = {
    out: values.out ?? 'events.ndjson',
    ...(values.labels === undefined ? {} : { labels: values.labels }),
    ...(values['benign-labels'] === undefined ? {} : { benignLabels: values['benign-labels'] }),
  };
  const fields: [keyof GeneratorOptions, unknown][] = [
    ['users', num(values.users)],
    ['days', num(values.days)],
    ['seed', num(values.seed)],
    ['start', values.start],
    ['serviceAccounts', num(values['service-accounts'])],
    ['scenarios', parseSelection(values.scenarios)],
    ['benign', parseSelection(values.benign)],
    ['intensity', num(values.intensity)],
    ['attackWindow', windowParts === undefined ? undefined : [windowParts[0] ?? NaN, windowParts[1] ?? NaN]],
    ['activity', num(values.activity)],
    ['eventsTarget', num(values['events-target'])],
  ];
  for (const [key, value] of fields) if (value !== undefined) Object.assign(options, { [key]: value });
  const summary = await generateToFiles(options);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
