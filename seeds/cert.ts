/**
 * The CERT-shaped generator: a synthetic organisation written in the layout of the CMU CERT
 * insider-threat test data (r4.2 logon/device and LDAP, r6.2 file/email/http), with insiders
 * following the three published r4.2 scenario descriptions, and the answers as labels that
 * `riskgraph eval --labels` reads.
 *
 *   node seeds/generate.ts --shape cert --users 200 --months 6 --seed 1 --out /tmp/cert
 *
 * Files: `logon.csv`, `device.csv`, `file.csv`, `email.csv`, `http.csv`, `LDAP/YYYY-MM.csv`
 * (one per month, listing who is employed at the end of that month, so a departure is a user
 * missing from the later snapshots), `answers/labels.csv` (one row per insider-day with
 * malicious activity) and `answers/labels.benign.csv` (hard negatives). Times are
 * `MM/DD/YYYY HH:MM:SS` in the organisation's single local time, read as UTC.
 *
 * What is and is not separable is deliberate. Benign people have their own habits (early
 * birds, late workers, evening and weekend workers, noisy users whose hours are all over the
 * place), some use USB drives every week, some look at job sites, some leave (normal
 * attrition, a few job hunting first), some start working evenings for a deadline, a few
 * start using USB drives, and system administrators log on to other people's PCs as part of
 * the job, now and then after hours. No insider uses a device, domain or PC name that only
 * insiders use, except the scenario's own destination (wikileaks.org, the keylogger's site),
 * as in CERT. An insider's change is visible only against their own baseline.
 *
 * Scenarios (the r4.2 descriptions):
 * 1. `after-hours-usb-wikileaks`: someone who never worked after hours and never used a
 *    removable drive begins logging on after hours, using a removable drive and uploading to
 *    wikileaks.org, and leaves shortly after.
 * 2. `job-hunt-usb-theft`: visits job sites and mails a competitor, then copies data to a
 *    thumb drive at a markedly higher rate than before, and leaves.
 * 3. `admin-keylogger-masquerade`: a system administrator downloads a keylogger, carries it on
 *    a thumb drive to the supervisor's PC, and the next day logs on to the supervisor's PC
 *    after hours and sends an alarming mass mail from the supervisor's address; leaves at once.
 *    As in the CERT answers, the records carry the insider's own user id: the `pc` is the
 *    supervisor's, the mail's `from` is the supervisor's address.
 *
 * Deterministic: every draw comes from an `Rng` seeded by the dataset seed and what is being
 * drawn (organisation, user plan, user-day, file ids), so the same options give the same bytes.
 * Sessions do not cross midnight (a late session ends by 23:59:59 at the latest).
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Rng, seedFor } from './random.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Stream tags of this generator (distinct from random.ts's STREAM values). */
const CERT_STREAM = { organisation: 101, plan: 102, day: 103, ids: 104, insiders: 105 } as const;

export const CERT_SCENARIOS = ['after-hours-usb-wikileaks', 'job-hunt-usb-theft', 'admin-keylogger-masquerade'] as const;
export type CertScenario = (typeof CERT_SCENARIOS)[number];

export const CERT_BENIGN = ['leaver', 'new-hire', 'deadline-crunch', 'new-usb-user'] as const;
export type CertBenign = (typeof CERT_BENIGN)[number];

/** The activity files, in the order they are listed. */
export const CERT_FILES = ['logon', 'device', 'file', 'email', 'http'] as const;
export type CertFile = (typeof CERT_FILES)[number];

/** Header rows: r4.2 logon and device, r6.2 file, email and http, r4.2 LDAP. */
export const CERT_HEADERS: Record<CertFile | 'ldap', string> = {
  logon: 'id,date,user,pc,activity',
  device: 'id,date,user,pc,activity',
  file: 'id,date,user,pc,filename,activity,to_removable_media,from_removable_media,content',
  email: 'id,date,user,pc,to,cc,bcc,from,activity,size,attachments,content',
  http: 'id,date,user,pc,url,activity,content',
  ldap: 'employee_name,user_id,email,role,business_unit,functional_unit,department,team,supervisor',
};

/** Which files carry each scenario's trace (LDAP: the departure). */
export const SCENARIO_TRACES: Record<CertScenario, readonly (CertFile | 'ldap')[]> = {
  'after-hours-usb-wikileaks': ['logon', 'device', 'file', 'http', 'ldap'],
  'job-hunt-usb-theft': ['device', 'file', 'http', 'email', 'ldap'],
  'admin-keylogger-masquerade': ['logon', 'device', 'file', 'http', 'email', 'ldap'],
};

export interface CertOptions {
  /** People at the start (new hires come on top). Default 200, at least 30. */
  users?: number;
  /** Calendar months generated, from `start`. Default 6, 2–24. */
  months?: number;
  /** PRNG seed, 0 to 2^32 − 1. Default 1. */
  seed?: number;
  /** First month, YYYY-MM. Default 2010-01. */
  start?: string;
  /**
   * Insiders per scenario, in CERT_SCENARIOS order. Default: 7 % of users split 3:3:1 (the
   * r4.2 proportions, 30/30/10 of 1,000), at least one of each.
   */
  insiders?: readonly [number, number, number];
  /** Monthly probability that an ordinary employee leaves. Default 0.015. */
  attrition?: number;
  /** Multiplier on web, mail and file volume. Default 1. */
  activity?: number;
}

export interface ResolvedCertOptions {
  users: number;
  months: number;
  seed: number;
  start: string;
  startMs: number;
  /** Exclusive end of the period, epoch ms. */
  endMs: number;
  days: number;
  insiders: readonly [number, number, number];
  attrition: number;
  activity: number;
}

type HabitKind = 'regular' | 'early' | 'late' | 'evening' | 'weekend' | 'noisy';

interface Habit {
  kind: HabitKind;
  /** Usual first logon, hours after midnight. */
  start: number;
  /** Usual working day, hours. */
  length: number;
  /** Day-to-day standard deviation of the start, hours. */
  jitter: number;
  /** Probability of working on a given weekend day. */
  weekendP: number;
  /** Probability of an evening session after a working day. */
  eveningP: number;
  /** Probability of a short night session (noisy users). */
  nightP: number;
  /** Probability of an absent working day (sick, errands), on top of the vacation. */
  absenceP: number;
  /** Web visits per working hour. */
  webRate: number;
  /** Mails sent per working day. */
  mailRate: number;
  /** USB connections per working day; 0 for people who never use one. */
  usbRate: number;
  /** Probability per working day of a short session on a shared PC. */
  sharedP: number;
  /** Domains this person visits most, in order of preference. */
  favourites: string[];
}

export interface CertUser {
  id: string;
  name: string;
  email: string;
  role: string;
  businessUnit: string;
  functionalUnit: string;
  department: string;
  team: string;
  /** User id of the supervisor; absent for the president. */
  supervisor?: string;
  pc: string;
  sharedPcs: string[];
  /** Epoch ms of the first day employed (the period start for the initial staff). */
  hiredMs: number;
  /** Epoch ms of the last day worked (start of that day), if they leave within the period. */
  lastDayMs?: number;
  habit: Habit;
  /** Whether the person may be chosen for attrition and scenarios (not managers). */
  ordinary: boolean;
}

/** A change of behaviour over a window: an insider's plan or a hard negative's. */
interface Plan {
  kind: CertScenario | CertBenign;
  user: string;
  /** Epoch ms (day starts) of the plan's phases; meaning depends on the kind. */
  from: number;
  to: number;
  /** Scenario 2: start of the theft phase. Scenario 3: the keylogger day. */
  pivot?: number;
  /** A leaver who looks at job sites (and now and then mails a competitor) before leaving. */
  jobHunt?: boolean;
}

export interface CertLabel {
  user: string;
  scenario: string;
  start: number;
  end: number;
  traces: string;
}

export interface CertResult {
  options: ResolvedCertOptions;
  users: readonly CertUser[];
  /** Rows written per file (headers excluded). */
  rows: Record<CertFile | 'ldap', number>;
  labels: readonly CertLabel[];
  benignLabels: readonly CertLabel[];
  seconds: number;
}

/** Receives the text of each file in order, a day at a time: `file` is a path relative to the output folder. */
export interface CertSink {
  write(file: string, text: string): void;
}

const DEFAULTS = { users: 200, months: 6, seed: 1, start: '2010-01', attrition: 0.015, activity: 1 };

export function resolveCertOptions(options: CertOptions = {}): ResolvedCertOptions {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as CertOptions;
  const o = { ...DEFAULTS, ...given };
  const problems: string[] = [];
  const integer = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) problems.push(`${name} must be an integer in [${min}, ${max}] (got ${v})`);
  };
  integer('users', o.users, 30, 100_000);
  integer('months', o.months, 2, 24);
  integer('seed', o.seed, 0, 0xffffffff);
  const m = /^(\d{4})-(\d{2})$/.exec(o.start);
  const startMs = m === null ? NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
  if (m === null || Number.isNaN(startMs) || Number(m[2]) < 1 || Number(m[2]) > 12) problems.push(`start must be YYYY-MM (got ${o.start})`);
  if (!(o.attrition >= 0 && o.attrition <= 0.2)) problems.push(`attrition must be in [0, 0.2] (got ${o.attrition})`);
  if (!(o.activity > 0 && o.activity <= 10)) problems.push(`activity must be in (0, 10] (got ${o.activity})`);
  let insiders: [number, number, number];
  if (o.insiders !== undefined) {
    insiders = [o.insiders[0], o.insiders[1], o.insiders[2]];
    insiders.forEach((n, i) => integer(`insiders of ${CERT_SCENARIOS[i]}`, n, 0, 10_000));
  } else {
    const total = Math.max(3, Math.round(o.users * 0.07));
    const s3 = Math.max(1, Math.round(total / 7));
    const s1 = Math.max(1, Math.round((total - s3) / 2));
    insiders = [s1, Math.max(1, total - s3 - s1), s3];
  }
  if (problems.length === 0 && insiders[0] + insiders[1] + insiders[2] > o.users * 0.2) {
    problems.push(`at most 20 % of users can be insiders (asked ${insiders.join('+')} of ${o.users})`);
  }
  if (problems.length > 0) throw new RangeError(`invalid CERT generator options:\n- ${problems.join('\n- ')}`);
  const start = new Date(startMs);
  const endMs = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + o.months, 1);
  return {
    users: o.users,
    months: o.months,
    seed: o.seed,
    start: o.start,
    startMs,
    endMs,
    days: Math.round((endMs - startMs) / DAY_MS),
    insiders,
    attrition: o.attrition,
    activity: o.activity,
  };
}

// ---------------------------------------------------------------------------------------
// Organisation

const FIRST = ['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth', 'David', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher', 'Nancy', 'Daniel', 'Lisa', 'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra', 'Donald', 'Ashley', 'Steven', 'Kimberly', 'Paul', 'Emily', 'Andrew', 'Donna', 'Joshua', 'Michelle', 'Kenneth', 'Dorothy', 'Kevin', 'Carol', 'Brian', 'Amanda', 'George', 'Melissa', 'Edward', 'Deborah', 'Ronald', 'Stephanie', 'Timothy', 'Rebecca', 'Jason', 'Sharon', 'Jeffrey', 'Laura', 'Ryan', 'Cynthia', 'Jacob', 'Kathleen', 'Gary', 'Amy', 'Nicholas', 'Shirley', 'Eric', 'Angela', 'Jonathan', 'Helen', 'Stephen', 'Anna', 'Larry', 'Brenda', 'Justin', 'Pamela', 'Scott', 'Nicole', 'Brandon', 'Emma'];
const MIDDLE = ['Adena', 'Brennan', 'Calvin', 'Dean', 'Edan', 'Flynn', 'Gage', 'Harrison', 'Ivy', 'Jonah', 'Keegan', 'Lynn', 'Maris', 'Nolan', 'Orli', 'Pascale', 'Quinn', 'Reagan', 'Shay', 'Tate', 'Uma', 'Vance', 'Wade', 'Xena', 'Yael', 'Zane', 'Alden', 'Blair', 'Cruz', 'Dara'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper', 'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson', 'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes', 'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jimenez', 'Love', 'Deleon', 'Cote', 'Pratt', 'Hines', 'Heath'];

interface DepartmentSpec {
  unit: string;
  department: string;
  weight: number;
  roles: readonly string[];
}

/** Functional units and departments (CERT's `N - Name` style), with relative sizes and roles. */
const DEPARTMENTS: readonly DepartmentSpec[] = [
  { unit: '2 - ResearchAndEngineering', department: '1 - Engineering', weight: 20, roles: ['ComputerProgrammer', 'SoftwareEngineer', 'ElectricalEngineer', 'MechanicalEngineer'] },
  { unit: '2 - ResearchAndEngineering', department: '2 - Research', weight: 8, roles: ['Scientist', 'LabTechnician'] },
  { unit: '3 - SalesAndMarketing', department: '1 - Sales', weight: 16, roles: ['Salesman', 'AccountManager'] },
  { unit: '3 - SalesAndMarketing', department: '2 - Marketing', weight: 7, roles: ['MarketingAssistant', 'GraphicDesigner'] },
  { unit: '4 - Finance', department: '1 - Accounting', weight: 7, roles: ['Accountant', 'Auditor'] },
  { unit: '4 - Finance', department: '2 - Payroll', weight: 3, roles: ['PayrollClerk'] },
  { unit: '5 - Manufacturing', department: '1 - Production', weight: 14, roles: ['ProductionLineWorker', 'Technician'] },
  { unit: '5 - Manufacturing', department: '2 - Quality', weight: 5, roles: ['QualityInspector'] },
  { unit: '6 - Administration', department: '1 - HumanResources', weight: 4, roles: ['HumanResourceSpecialist'] },
  { unit: '6 - Administration', department: '2 - IT', weight: 7, roles: ['ITAdmin', 'ITAdmin', 'HelpDeskTechnician'] },
  { unit: '6 - Administration', department: '3 - Legal', weight: 3, roles: ['Attorney', 'Paralegal'] },
];

const COMMON_DOMAINS = ['google.com', 'yahoo.com', 'bing.com', 'wikipedia.org', 'cnn.com', 'bbc.co.uk', 'nytimes.com', 'weather.com', 'espn.com', 'amazon.com', 'ebay.com', 'youtube.com', 'facebook.com', 'twitter.com', 'reddit.com', 'msn.com', 'aol.com', 'imdb.com', 'craigslist.org', 'walmart.com', 'target.com', 'bestbuy.com', 'apple.com', 'microsoft.com', 'stackoverflow.com', 'github.com', 'sourceforge.net', 'slashdot.org', 'wired.com', 'techcrunch.com', 'cnet.com', 'zdnet.com', 'forbes.com', 'bloomberg.com', 'reuters.com', 'wsj.com', 'usatoday.com', 'washingtonpost.com', 'foxnews.com', 'nbcnews.com', 'abcnews.go.com', 'cbsnews.com', 'npr.org', 'time.com', 'theguardian.com', 'huffingtonpost.com', 'buzzfeed.com', 'pinterest.com', 'tumblr.com', 'flickr.com', 'instagram.com', 'netflix.com', 'hulu.com', 'pandora.com', 'spotify.com', 'yelp.com', 'tripadvisor.com', 'expedia.com', 'kayak.com', 'southwest.com', 'delta.com', 'united.com', 'mapquest.com', 'zillow.com', 'realtor.com', 'webmd.com', 'mayoclinic.org', 'allrecipes.com', 'foodnetwork.com', 'etsy.com', 'homedepot.com', 'lowes.com', 'costco.com', 'paypal.com', 'chase.com', 'bankofamerica.com', 'wellsfargo.com', 'fidelity.com', 'vanguard.com', 'irs.gov', 'usps.com', 'fedex.com', 'ups.com', 'dell.com', 'hp.com', 'ieee.org', 'acm.org', 'arxiv.org', 'nature.com', 'sciencedirect.com', 'mathworks.com', 'oracle.com', 'ibm.com', 'intel.com', 'nasa.gov', 'noaa.gov', 'nist.gov', 'office.com', 'salesforce.com', 'zendesk.com'];
const CLOUD_DOMAINS = ['dropbox.com', 'box.com', 'drive.google.com', 'onedrive.live.com'];
const JOB_DOMAINS = ['monster.com', 'careerbuilder.com', 'indeed.com', 'simplyhired.com', 'jobhuntersbible.com', 'linkedin.com', 'hotjobs.yahoo.com', 'glassdoor.com'];
const COMPETITORS = ['lockheed.com', 'raytheon.com', 'northropgrumman.com', 'boeing.com', 'harris.com'];
const EXTERNAL_MAIL = ['gmail.com', 'yahoo.com', 'hotmail.com', 'aol.com', 'comcast.net', 'verizon.net', 'bellsouth.net', ...COMPETITORS];
const LEAK_DOMAIN = 'wikileaks.org';
const KEYLOGGER_DOMAIN = 'keylogger-download.com';
const MAIL_DOMAIN = 'dtaa.com';
const PATH_WORDS = ['index', 'news', 'article', 'search', 'home', 'products', 'about', 'story', 'view', 'item', 'page', 'results', 'sports', 'tech', 'world', 'local', 'video', 'photos', 'blog', 'forum'];
const DOC_WORDS = ['report', 'budget', 'design', 'proposal', 'minutes', 'schedule', 'contract', 'specs', 'roadmap', 'invoice', 'forecast', 'review', 'plan', 'notes', 'drawing', 'test', 'results', 'customers', 'pricing', 'presentation'];
const DOC_EXT = ['doc', 'docx', 'xls', 'xlsx', 'pdf', 'ppt', 'txt', 'zip', 'jpg'];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return rng.pick(items);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function drawHabit(rng: Rng, role: string, activity: number): Habit {
  const r = rng.next();
  const kind: HabitKind = r < 0.6 ? 'regular' : r < 0.7 ? 'early' : r < 0.8 ? 'late' : r < 0.88 ? 'evening' : r < 0.94 ? 'weekend' : 'noisy';
  let start = clamp(8.1 + 0.45 * rng.normal(), 7.1, 9.3);
  let length = rng.range(8, 9.3);
  let jitter = rng.range(0.15, 0.45);
  let weekendP = 0;
  let eveningP = 0;
  let nightP = 0;
  if (kind === 'early') start = rng.range(5.3, 6.7);
  if (kind === 'late') {
    start = rng.range(9.8, 11.5);
    length = rng.range(8.5, 10);
  }
  if (kind === 'evening') eveningP = rng.range(0.12, 0.4);
  if (kind === 'weekend') weekendP = rng.range(0.25, 0.6);
  if (kind === 'noisy') {
    start = rng.range(7, 10);
    jitter = rng.range(1.2, 2.2);
    eveningP = rng.range(0.1, 0.3);
    weekendP = rng.range(0.05, 0.2);
    nightP = rng.range(0.02, 0.08);
  }
  // A regular worker never ends after 19:00; the others may.
  if (kind === 'regular') length = Math.min(length, 18.9 - start - 2 * jitter);
  const usbUser = role === 'ITAdmin' ? rng.chance(0.6) : rng.chance(0.22);
  const favourites = rng.sample(COMMON_DOMAINS, rng.between(6, 14));
  if (rng.chance(0.25)) favourites.push(pick(rng, CLOUD_DOMAINS));
  // Roughly one person in eight looks at job sites now and then, leaving or not.
  if (rng.chance(0.12)) favourites.push(pick(rng, JOB_DOMAINS));
  return {
    kind,
    start,
    length,
    jitter,
    weekendP,
    eveningP,
    nightP,
    absenceP: rng.range(0.02, 0.06),
    webRate: activity * rng.lognormal(1.2, 0.5),
    mailRate: activity * rng.lognormal(3, 0.6),
    usbRate: usbUser ? rng.lognormal(0.5, 0.8) : 0,
    sharedP: rng.chance(0.2) ? rng.range(0.02, 0.12) : 0,
    favourites,
  };
}

function uniqueName(rng: Rng, taken: Set<string>): [string, string, string] {
  for (;;) {
    const parts: [string, string, string] = [pick(rng, FIRST), pick(rng, MIDDLE), pick(rng, LAST)];
    const full = parts.join(' ');
    if (!taken.has(full)) {
      taken.add(full);
      return parts;
    }
  }
}

function uniqueId(rng: Rng, parts: readonly string[], taken: Set<string>): string {
  const initials = parts.map((p) => p[0]!.toUpperCase()).join('');
  for (;;) {
    const id = `${initials}${String(rng.int(10_000)).padStart(4, '0')}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

function uniquePc(rng: Rng, taken: Set<string>): string {
  for (;;) {
    const pc = `PC-${String(rng.int(10_000)).padStart(4, '0')}`;
    if (!taken.has(pc)) {
      taken.add(pc);
      return pc;
    }
  }
}

/** The organisation at the start of the period plus the new hires (drawn from the organisation stream). */
export function buildCertOrganisation(o: ResolvedCertOptions): CertUser[] {
  const rng = new Rng(seedFor(o.seed, CERT_STREAM.organisation));
  const names = new Set<string>();
  const ids = new Set<string>();
  const pcs = new Set<string>();
  const users: CertUser[] = [];
  const make = (role: string, unit: string, department: string, team: string, supervisor: string | undefined, hiredMs: number, ordinary: boolean): CertUser => {
    const parts = uniqueName(rng, names);
    const id = uniqueId(rng, parts, ids);
    const planRng = new Rng(seedFor(o.seed, CERT_STREAM.plan, users.length));
    const user: CertUser = {
      id,
      name: parts.join(' '),
      email: `${parts.join('.')}@${MAIL_DOMAIN}`,
      role,
      businessUnit: '1',
      functionalUnit: unit,
      department,
      team,
      pc: uniquePc(rng, pcs),
      sharedPcs: [],
      hiredMs,
      habit: drawHabit(planRng, role, o.activity),
      ordinary,
    };
    if (supervisor !== undefined) user.supervisor = supervisor;
    users.push(user);
    return user;
  };
  const president = make('President', '1 - Executive', '', '', undefined, o.startMs, false);
  const vps = new Map<string, CertUser>();
  for (const unit of new Set(DEPARTMENTS.map((d) => d.unit))) {
    vps.set(unit, make('VicePresident', '1 - Executive', '1 - Executive', '', president.id, o.startMs, false));
  }
  const remaining = o.users - users.length;
  const totalWeight = DEPARTMENTS.reduce((s, d) => s + d.weight, 0);
  // Largest-remainder apportionment of the remaining staff, at least 3 per department.
  const sizes = DEPARTMENTS.map((d) => Math.max(3, Math.floor((remaining * d.weight) / totalWeight)));
  let excess = sizes.reduce((s, n) => s + n, 0) - remaining;
  for (let i = 0; excess !== 0; i = (i + 1) % sizes.length) {
    if (excess > 0 && sizes[i]! > 3) {
      sizes[i]!--;
      excess--;
    } else if (excess < 0) {
      sizes[i]!++;
      excess++;
    }
  }
  const staffByDepartment: CertUser[][] = [];
  DEPARTMENTS.forEach((d, di) => {
    const manager = make('Manager', d.unit, d.department, '', vps.get(d.unit)!.id, o.startMs, false);
    const staff: CertUser[] = [];
    // Teams of eight; the first of each leads it and is the others' supervisor, so the
    // administrators of a large IT department do not all answer to one person.
    let lead = manager;
    for (let i = 0; i < sizes[di]! - 1; i++) {
      const team = `${1 + Math.floor(i / 8)} - ${d.department.slice(4)}`;
      const role = d.roles[i % d.roles.length]!;
      const leads = i % 8 === 0;
      const member = make(role, d.unit, d.department, team, leads ? manager.id : lead.id, o.startMs, !leads);
      if (leads) lead = member;
      staff.push(member);
    }
    staffByDepartment.push(staff);
  });
  // Shared PCs (labs, meeting rooms, the shop floor): one per 25 people, used by a few each.
  const shared = Array.from({ length: Math.max(2, Math.round(o.users / 25)) }, () => uniquePc(rng, pcs));
  for (const u of users) if (u.habit.sharedP > 0) u.sharedPcs = rng.sample(shared, rng.between(1, 2));
  // New hires: about 2 % of the staff join after the first month, into a department's team.
  const hires = Math.round(o.users * 0.02);
  for (let h = 0; h < hires; h++) {
    const di = rng.int(DEPARTMENTS.length);
    const d = DEPARTMENTS[di]!;
    const month = 1 + rng.int(o.months - 1);
    const first = new Date(o.startMs);
    const monthStart = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + month, 1);
    const hiredMs = monthStart + rng.int(20) * DAY_MS;
    const manager = users.find((u) => u.role === 'Manager' && u.department === d.department && u.functionalUnit === d.unit)!;
    const hire = make(pick(rng, d.roles), d.unit, d.department, `1 - ${d.department.slice(4)}`, manager.id, hiredMs, false);
    staffByDepartment[di]!.push(hire);
  }
  return users;
}

// ---------------------------------------------------------------------------------------
// Plans: attrition, insiders and hard negatives

const isWeekend = (dayMs: number): boolean => {
  const dow = new Date(dayMs).getUTCDay();
  return dow === 0 || dow === 6;
};

/** The working day on or before `dayMs`. */
function workdayOnOrBefore(dayMs: number): number {
  let d = dayMs;
  while (isWeekend(d)) d -= DAY_MS;
  return d;
}

function choosePlans(o: ResolvedCertOptions, users: CertUser[]): Plan[] {
  const rng = new Rng(seedFor(o.seed, CERT_STREAM.insiders));
  const plans: Plan[] = [];
  const claimed = new Set<string>();
  const span = o.endMs - o.startMs;
  const dayAt = (fraction: number): number => o.startMs + Math.floor((span * fraction) / DAY_MS) * DAY_MS;
  const candidates = (accept: (u: CertUser) => boolean): CertUser[] =>
    rng.shuffled(users.filter((u) => u.ordinary && !claimed.has(u.id) && u.hiredMs === o.startMs && accept(u)));
  const claim = (pool: CertUser[], n: number, what: string): CertUser[] => {
    if (pool.length < n) throw new RangeError(`the organisation has ${pool.length} people fit for ${what}, ${n} asked; use more users or fewer insiders`);
    const chosen = pool.slice(0, n);
    for (const u of chosen) claimed.add(u.id);
    return chosen;
  };
  // Departure (last day worked) of an insider: between 55 % and 97 % of the period.
  const leaveDay = (): number => workdayOnOrBefore(dayAt(rng.range(0.55, 0.97)));

  const [n1, n2, n3] = o.insiders;
  const quiet = (u: CertUser) => u.habit.kind === 'regular' && u.habit.usbRate === 0 && u.role !== 'ITAdmin';
  for (const u of claim(candidates(quiet), n1, 'scenario 1 (regular hours, no USB)')) {
    const last = leaveDay();
    const from = last - rng.between(10, 24) * DAY_MS;
    plans.push({ kind: 'after-hours-usb-wikileaks', user: u.id, from, to: last });
    u.lastDayMs = last;
  }
  const usb = (u: CertUser) => u.habit.usbRate > 0 && u.habit.usbRate < 3 && u.role !== 'ITAdmin';
  for (const u of claim(candidates(usb), n2, 'scenario 2 (USB users)')) {
    const last = leaveDay();
    const from = last - rng.between(30, 55) * DAY_MS;
    const pivot = last - rng.between(8, 18) * DAY_MS;
    plans.push({ kind: 'job-hunt-usb-theft', user: u.id, from, to: last, pivot });
    u.lastDayMs = last;
  }
  for (const u of claim(candidates((x) => x.role === 'ITAdmin'), n3, 'scenario 3 (system administrators)')) {
    const last = leaveDay();
    let keylogger = workdayOnOrBefore(last - DAY_MS);
    if (keylogger <= o.startMs) keylogger = last;
    plans.push({ kind: 'admin-keylogger-masquerade', user: u.id, from: keylogger, to: last, pivot: keylogger });
    u.lastDayMs = last;
  }

  // Hard negatives. Deadline crunch: regular workers who work evenings for one to three weeks.
  for (const u of claim(candidates((x) => x.habit.kind === 'regular'), Math.max(1, Math.round(o.users * 0.02)), 'deadline crunches')) {
    const from = dayAt(rng.range(0.4, 0.85));
    plans.push({ kind: 'deadline-crunch', user: u.id, from, to: from + rng.between(7, 21) * DAY_MS });
  }
  // New USB users: start using a drive mid-period (a new project, a new camera).
  for (const u of claim(candidates((x) => x.habit.usbRate === 0), Math.max(1, Math.round(o.users * 0.015)), 'new USB users')) {
    const from = dayAt(rng.range(0.4, 0.85));
    plans.push({ kind: 'new-usb-user', user: u.id, from, to: o.endMs - DAY_MS });
  }
  // Attrition among the rest: a monthly hazard; a third of the leavers job hunt first.
  for (const u of users) {
    if (!u.ordinary || claimed.has(u.id)) continue;
    // Not in the first month: a user missing from the first snapshot is never seen to leave.
    for (let m = 1; m < o.months; m++) {
      if (!rng.chance(o.attrition)) continue;
      const first = new Date(o.startMs);
      const monthStart = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + m, 1);
      const last = workdayOnOrBefore(monthStart + rng.int(27) * DAY_MS + DAY_MS);
      if (last <= u.hiredMs + 20 * DAY_MS) break;
      u.lastDayMs = last;
      plans.push({ kind: 'leaver', user: u.id, from: Math.max(o.startMs, last - 30 * DAY_MS), to: last, jobHunt: rng.chance(0.35) });
      break;
    }
  }
  for (const u of users) {
    if (u.hiredMs > o.startMs) plans.push({ kind: 'new-hire', user: u.id, from: u.hiredMs, to: u.hiredMs + 14 * DAY_MS });
  }
  return plans;
}

// ---------------------------------------------------------------------------------------
// Rows

/** `MM/DD/YYYY ` of a day start, epoch ms. */
function datePrefix(dayMs: number): string {
  const d = new Date(dayMs);
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${mm}/${dd}/${d.getUTCFullYear()} `;
}

function timeOfDay(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${sec < 10 ? '0' : ''}${sec}`;
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

/** A CERT-style id `{X1D9-S0ES98JV-5357PWMI}` from the file's id stream. */
function certId(rng: Rng): string {
  const l = () => ID_CHARS[rng.int(26)]!;
  const d = () => DIGITS[rng.int(10)]!;
  return `{${l()}${d()}${l()}${d()}-${l()}${d()}${l()}${l()}${d()}${d()}${l()}${l()}-${d()}${d()}${d()}${d()}${l()}${l()}${l()}${l()}}`;
}

/** One day's rows of one file: time of day (ms after midnight) and the row after the id and date. */
interface DayRows {
  t: number[];
  rest: string[];
}

class DayBuffer {
  readonly rows: Record<CertFile, DayRows> = {
    logon: { t: [], rest: [] },
    device: { t: [], rest: [] },
    file: { t: [], rest: [] },
    email: { t: [], rest: [] },
    http: { t: [], rest: [] },
  };

  add(file: CertFile, t: number, rest: string): void {
    const r = this.rows[file];
    r.t.push(clamp(Math.round(t / 1000) * 1000, 0, DAY_MS - 1000));
    r.rest.push(rest);
  }

  clear(): void {
    for (const f of CERT_FILES) {
      this.rows[f].t.length = 0;
      this.rows[f].rest.length = 0;
    }
  }
}

/** What one user does in one session on one PC, appended to the day's buffer. */
interface SessionSpec {
  pc: string;
  /** ms after midnight */
  start: number;
  end: number;
  web: boolean;
  mail: boolean;
  usb: number;
  /** File copies per USB connection, mean. */
  copies: number;
  lunch: boolean;
  logoff: boolean;
}

class DayWriter {
  readonly buf: DayBuffer;
  readonly colleagues: ReadonlyMap<string, readonly CertUser[]>;

  constructor(buf: DayBuffer, colleagues: ReadonlyMap<string, readonly CertUser[]>) {
    this.buf = buf;
    this.colleagues = colleagues;
  }

  session(rng: Rng, u: CertUser, s: SessionSpec): void {
    const { buf } = this;
    buf.add('logon', s.start, `${u.id},${s.pc},Logon`);
    const hours = (s.end - s.start) / HOUR_MS;
    if (s.lunch && hours > 5) {
      const out = s.start + (hours / 2) * HOUR_MS + rng.range(-0.5, 0.5) * HOUR_MS;
      buf.add('logon', out, `${u.id},${s.pc},Logoff`);
      buf.add('logon', out + rng.range(20, 70) * MINUTE_MS, `${u.id},${s.pc},Logon`);
    }
    const at = () => s.start + MINUTE_MS + rng.next() * Math.max(0, s.end - s.start - 2 * MINUTE_MS);
    if (s.web) {
      const visits = rng.poisson(u.habit.webRate * hours);
      for (let i = 0; i < visits; i++) this.visit(rng, u, s.pc, at());
    }
    if (s.mail) {
      const sends = rng.poisson((u.habit.mailRate * hours) / 9);
      for (let i = 0; i < sends; i++) this.mail(rng, u, s.pc, at());
    }
    // A few local document opens in most sessions (CERT r6 file.csv lists them for everyone).
    const opens = rng.poisson(0.15 * hours);
    for (let i = 0; i < opens; i++) buf.add('file', at(), `${u.id},${s.pc},${docPath(rng, u)},File Open,False,False,`);
    for (let i = 0; i < s.usb; i++) this.usb(rng, u, s.pc, at(), s.end, s.copies);
    if (s.logoff) buf.add('logon', s.end, `${u.id},${s.pc},Logoff`);
  }

  visit(rng: Rng, u: CertUser, pc: string, t: number, domain?: string, activity = 'WWW Visit'): void {
    let d = domain;
    let act = activity;
    if (d === undefined) {
      d = rng.chance(0.85) ? rng.skewed(u.habit.favourites) : pick(rng, COMMON_DOMAINS);
      if (CLOUD_DOMAINS.includes(d) && rng.chance(0.2)) act = 'WWW Upload';
      else if (rng.chance(0.03)) act = 'WWW Download';
    }
    this.buf.add('http', t, `${u.id},${pc},http://${d}/${pick(rng, PATH_WORDS)}/${pick(rng, PATH_WORDS)}${rng.int(1000)}.html,${act},`);
  }

  mail(rng: Rng, u: CertUser, pc: string, t: number, to?: string[], attachments = ''): void {
    const list = to ?? this.recipients(rng, u);
    const att = attachments !== '' ? attachments : rng.chance(0.15) ? attachment(rng, u) : '';
    const size = 2_000 + rng.int(40_000) + attachmentBytes(att);
    this.buf.add('email', t, `${u.id},${pc},${list.join(';')},,,${u.email},Send,${size},${att},`);
  }

  recipients(rng: Rng, u: CertUser): string[] {
    const n = 1 + (rng.chance(0.3) ? rng.between(1, 3) : 0);
    const pool = this.colleagues.get(u.department + u.functionalUnit) ?? [];
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      if (rng.chance(0.12) || pool.length < 2) {
        out.push(`${pick(rng, LAST).toLowerCase()}.${pick(rng, FIRST).toLowerCase()}@${pick(rng, EXTERNAL_MAIL)}`);
      } else {
        const c = pick(rng, pool);
        if (c.id !== u.id && !out.includes(c.email)) out.push(c.email);
      }
    }
    return out.length === 0 ? [`${pick(rng, FIRST).toLowerCase()}@${pick(rng, EXTERNAL_MAIL)}`] : out;
  }

  usb(rng: Rng, u: CertUser, pc: string, t: number, sessionEnd: number, copies: number, file?: string): void {
    const { buf } = this;
    buf.add('device', t, `${u.id},${pc},Connect`);
    const off = Math.min(sessionEnd - 1000, t + rng.range(3, 50) * MINUTE_MS);
    const n = file === undefined ? rng.poisson(copies) : 1;
    for (let i = 0; i < n; i++) {
      const when = t + 20_000 + rng.next() * Math.max(0, off - t - 40_000);
      buf.add('file', when, `${u.id},${pc},${file ?? docPath(rng, u)},File Copy,True,False,`);
    }
    buf.add('device', Math.max(t + 30_000, off), `${u.id},${pc},Disconnect`);
  }
}

function docPath(rng: Rng, u: CertUser): string {
  return `C:\\Users\\${u.id}\\Documents\\${pick(rng, DOC_WORDS)}_${rng.int(500)}.${pick(rng, DOC_EXT)}`;
}

function attachment(rng: Rng, u: CertUser): string {
  return `${docPath(rng, u)}(${1_000 + rng.int(2_000_000)})`;
}

function attachmentBytes(att: string): number {
  let total = 0;
  for (const m of att.matchAll(/\((\d+)\)/g)) total += Number(m[1]);
  return total;
}

// ---------------------------------------------------------------------------------------
// The day loop

interface Lookup {
  plans: ReadonlyMap<string, Plan[]>;
  vacations: ReadonlyMap<string, [number, number]>;
  supervisorPc: ReadonlyMap<string, string>;
  allPcs: readonly string[];
  everyone: readonly CertUser[];
}

function activePlan(list: Plan[] | undefined, kind: Plan['kind'], dayMs: number): Plan | undefined {
  return list?.find((p) => p.kind === kind && dayMs >= p.from && dayMs <= p.to);
}

/** Everything `u` does on `dayMs`; returns whether scenario rows were written and their times. */
function userDay(w: DayWriter, o: ResolvedCertOptions, u: CertUser, dayMs: number, dayIndex: number, userIndex: number, look: Lookup): { malicious: number[] } {
  const rng = new Rng(seedFor(o.seed, CERT_STREAM.day, userIndex, dayIndex));
  const h = u.habit;
  const plans = look.plans.get(u.id);
  const weekend = isWeekend(dayMs);
  const malicious: number[] = [];
  const vacation = look.vacations.get(u.id);
  const onVacation = vacation !== undefined && dayMs >= vacation[0] && dayMs <= vacation[1];
  const s1 = activePlan(plans, 'after-hours-usb-wikileaks', dayMs);
  const s2 = activePlan(plans, 'job-hunt-usb-theft', dayMs);
  const s3 = activePlan(plans, 'admin-keylogger-masquerade', dayMs);
  const crunch = activePlan(plans, 'deadline-crunch', dayMs);
  const newUsb = activePlan(plans, 'new-usb-user', dayMs);
  const leaver = activePlan(plans, 'leaver', dayMs);
  const theft = s2 !== undefined && dayMs >= (s2.pivot ?? Infinity);
  let usbRate = h.usbRate;
  if (newUsb !== undefined) usbRate = 0.6;
  if (theft) usbRate = Math.max(2.5, usbRate * 5);
  const copies = theft ? 14 : 3;

  const workday = !weekend && !onVacation && !rng.chance(h.absenceP);
  let dayEnd = 0;
  if (workday || (s3 !== undefined && !weekend)) {
    // A regular worker's day stays within 07:00–19:00 whatever the jitter.
    const start = clamp(h.start + h.jitter * rng.normal(), h.kind === 'regular' ? 7.05 : 4.5, 14) * HOUR_MS;
    let end = start + clamp(h.length + 0.4 * rng.normal(), 3, 13) * HOUR_MS;
    if (h.kind === 'regular') end = Math.min(end, 18.95 * HOUR_MS);
    end = Math.min(end, DAY_MS - 2000);
    dayEnd = end;
    const usb = usbRate > 0 ? rng.poisson(usbRate) : 0;
    const usbTimes = theft ? usb : 0;
    w.session(rng, u, { pc: u.pc, start, end, web: true, mail: true, usb, copies, lunch: rng.chance(0.45), logoff: rng.chance(0.97) });
    if (usbTimes > 0) malicious.push(start, end);
    // Shared PCs, during the day.
    if (u.sharedPcs.length > 0 && rng.chance(h.sharedP)) {
      const t = start + rng.range(1, Math.max(1.5, (end - start) / HOUR_MS - 1)) * HOUR_MS;
      w.session(rng, u, { pc: pick(rng, u.sharedPcs), start: t, end: t + rng.range(10, 60) * MINUTE_MS, web: rng.chance(0.5), mail: false, usb: 0, copies: 0, lunch: false, logoff: true });
    }
    // Administrators log on to other people's PCs (support, installs) during the day.
    if (u.role === 'ITAdmin') {
      const visits = rng.poisson(1.5);
      for (let i = 0; i < visits; i++) {
        const t = start + rng.range(0.5, Math.max(1, (end - start) / HOUR_MS - 0.5)) * HOUR_MS;
        w.session(rng, u, { pc: pick(rng, look.allPcs), start: t, end: t + rng.range(5, 40) * MINUTE_MS, web: false, mail: false, usb: 0, copies: 0, lunch: false, logoff: true });
      }
    }
    // Job sites: casual lookers now and then, a third of the leavers and scenario 2 often.
    const jobHunting = s2 !== undefined || leaver?.jobHunt === true;
    if (jobHunting && rng.chance(s2 !== undefined ? 0.7 : 0.4)) {
      const n = rng.between(2, 8);
      for (let i = 0; i < n; i++) {
        const t = start + rng.next() * (end - start);
        w.visit(rng, u, u.pc, t, pick(rng, JOB_DOMAINS));
        if (s2 !== undefined) malicious.push(t);
      }
      if (rng.chance(s2 !== undefined ? 0.35 : 0.15)) {
        const t = start + rng.next() * (end - start);
        const company = pick(rng, COMPETITORS);
        w.mail(rng, u, u.pc, t, [`careers@${company}`], attachment(rng, u).replace(/[^\\]+\(/, 'resume.doc('));
        if (s2 !== undefined) malicious.push(t);
      }
    }
    // Scenario 3, keylogger day: download, copy to a drive, plug it into the supervisor's PC.
    if (s3 !== undefined && dayMs === s3.pivot && dayMs !== s3.to) {
      const t = start + rng.range(1, 3) * HOUR_MS;
      w.visit(rng, u, u.pc, t, KEYLOGGER_DOMAIN, 'WWW Download');
      w.usb(rng, u, u.pc, t + 10 * MINUTE_MS, end, 1, `C:\\Users\\${u.id}\\Downloads\\keylogger.exe`);
      const spc = look.supervisorPc.get(u.id)!;
      const t2 = Math.min(end - 30 * MINUTE_MS, t + rng.range(1.5, 3) * HOUR_MS);
      w.buf.add('logon', t2, `${u.id},${spc},Logon`);
      w.usb(rng, u, spc, t2 + 2 * MINUTE_MS, t2 + 25 * MINUTE_MS, 1, 'E:\\keylogger.exe');
      w.buf.add('logon', t2 + 25 * MINUTE_MS, `${u.id},${spc},Logoff`);
      malicious.push(t, t2 + 25 * MINUTE_MS);
    }
  }
  // Weekend work for weekend workers and noisy users.
  if (weekend && !onVacation && rng.chance(h.weekendP)) {
    const start = rng.range(9, 14) * HOUR_MS;
    w.session(rng, u, { pc: u.pc, start, end: start + rng.range(1.5, 5) * HOUR_MS, web: true, mail: rng.chance(0.5), usb: usbRate > 0 && rng.chance(0.2) ? 1 : 0, copies: 2, lunch: false, logoff: true });
  }
  // Evening sessions (evening workers, noisy users, deadline crunches), after the day's end.
  const eveningP = crunch !== undefined ? 0.7 : h.eveningP;
  if (!onVacation && rng.chance(eveningP) && (workday || h.kind === 'noisy')) {
    const start = Math.max(dayEnd + 0.5 * HOUR_MS, rng.range(19.5, 22) * HOUR_MS);
    if (start < 23.3 * HOUR_MS) {
      const end = Math.min(DAY_MS - 2000, start + rng.range(0.5, 2.5) * HOUR_MS);
      w.session(rng, u, { pc: u.pc, start, end, web: true, mail: rng.chance(0.5), usb: 0, copies: 0, lunch: false, logoff: true });
    }
  }
  // Noisy users' night sessions.
  if (h.nightP > 0 && rng.chance(h.nightP)) {
    const start = rng.range(0.5, 4) * HOUR_MS;
    w.session(rng, u, { pc: u.pc, start, end: start + rng.range(0.3, 1.5) * HOUR_MS, web: true, mail: false, usb: 0, copies: 0, lunch: false, logoff: true });
  }
  // Administrators' occasional after-hours maintenance on other PCs.
  if (u.role === 'ITAdmin' && !onVacation && rng.chance(0.03)) {
    const start = rng.range(19.5, 22.5) * HOUR_MS;
    const n = rng.between(1, 4);
    for (let i = 0; i < n; i++) {
      const t = start + i * rng.range(10, 30) * MINUTE_MS;
      w.session(rng, u, { pc: pick(rng, look.allPcs), start: t, end: t + rng.range(5, 25) * MINUTE_MS, web: false, mail: false, usb: 0, copies: 0, lunch: false, logoff: true });
    }
  }
  // Scenario 1: after-hours sessions with a drive and uploads to wikileaks, on most days of the window.
  if (s1 !== undefined && rng.chance(weekend ? 0.35 : 0.6)) {
    const start = weekend ? rng.range(10, 20) * HOUR_MS : rng.chance(0.3) ? rng.range(1, 5) * HOUR_MS : Math.max(dayEnd + HOUR_MS, rng.range(20, 22.5) * HOUR_MS);
    const end = Math.min(DAY_MS - 2000, start + rng.range(0.5, 1.5) * HOUR_MS);
    w.buf.add('logon', start, `${u.id},${u.pc},Logon`);
    w.usb(rng, u, u.pc, start + rng.range(2, 10) * MINUTE_MS, end - 60_000, 6);
    const uploads = rng.between(1, 3);
    for (let i = 0; i < uploads; i++) w.visit(rng, u, u.pc, start + rng.next() * (end - start), LEAK_DOMAIN, 'WWW Upload');
    w.buf.add('logon', end, `${u.id},${u.pc},Logoff`);
    malicious.push(start, end);
  }
  // Scenario 3, the last day: after hours on the supervisor's PC, an alarming mass mail.
  if (s3 !== undefined && dayMs === s3.to) {
    const spc = look.supervisorPc.get(u.id)!;
    const supervisor = look.everyone.find((x) => x.id === u.supervisor)!;
    const start = Math.max(dayEnd + HOUR_MS, rng.range(20, 23) * HOUR_MS);
    const safeStart = Math.min(start, DAY_MS - 40 * MINUTE_MS);
    w.buf.add('logon', safeStart, `${u.id},${spc},Logon`);
    const to = rng.sample(look.everyone.filter((x) => x.id !== u.id && x.id !== supervisor.id), rng.between(25, 60)).map((x) => x.email);
    const size = 3_000 + rng.int(5_000);
    w.buf.add('email', safeStart + rng.range(3, 15) * MINUTE_MS, `${u.id},${spc},${to.join(';')},,,${supervisor.email},Send,${size},,`);
    w.buf.add('logon', safeStart + 30 * MINUTE_MS, `${u.id},${spc},Logoff`);
    malicious.push(safeStart, safeStart + 30 * MINUTE_MS);
  }
  return { malicious };
}

// ---------------------------------------------------------------------------------------
// Generation

function ldapRow(u: CertUser, byId: ReadonlyMap<string, CertUser>): string {
  const supervisor = u.supervisor === undefined ? '' : byId.get(u.supervisor)!.name;
  return `${u.name},${u.id},${u.email},${u.role},${u.businessUnit},${u.functionalUnit},${u.department},${u.team},${supervisor}`;
}

/** Generates the dataset into `sink`; pure apart from the sink. */
export function generateCert(options: CertOptions, sink: CertSink): CertResult {
  const began = performance.now();
  const o = resolveCertOptions(options);
  const users = buildCertOrganisation(o);
  const byId = new Map(users.map((u) => [u.id, u]));
  const planList = choosePlans(o, users);
  const plans = new Map<string, Plan[]>();
  for (const p of planList) plans.set(p.user, [...(plans.get(p.user) ?? []), p]);
  const colleagues = new Map<string, CertUser[]>();
  for (const u of users) colleagues.set(u.department + u.functionalUnit, [...(colleagues.get(u.department + u.functionalUnit) ?? []), u]);
  const vacations = new Map<string, [number, number]>();
  const supervisorPc = new Map<string, string>();
  for (const [i, u] of users.entries()) {
    const rng = new Rng(seedFor(o.seed, CERT_STREAM.plan, i, 7));
    // One vacation block of 3–10 days for most people, outside any scenario window.
    if (rng.chance(0.8)) {
      const from = o.startMs + rng.int(o.days) * DAY_MS;
      const clash = (plans.get(u.id) ?? []).some((p) => from <= p.to + DAY_MS && from + 10 * DAY_MS >= p.from - DAY_MS);
      if (!clash) vacations.set(u.id, [from, from + rng.between(3, 10) * DAY_MS]);
    }
    if (u.supervisor !== undefined) supervisorPc.set(u.id, byId.get(u.supervisor)!.pc);
  }
  const look: Lookup = { plans, vacations, supervisorPc, allPcs: users.map((u) => u.pc), everyone: users };
  const rows: CertResult['rows'] = { logon: 0, device: 0, file: 0, email: 0, http: 0, ldap: 0 };
  for (const f of CERT_FILES) sink.write(`${f}.csv`, `${CERT_HEADERS[f]}\n`);
  const idRngs = Object.fromEntries(CERT_FILES.map((f, i) => [f, new Rng(seedFor(o.seed, CERT_STREAM.ids, i))])) as Record<CertFile, Rng>;

  // LDAP: one snapshot per month, listing who is employed at the end of that month.
  const first = new Date(o.startMs);
  for (let m = 0; m < o.months; m++) {
    const monthStart = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + m, 1);
    const monthEnd = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + m + 1, 1);
    const name = new Date(monthStart).toISOString().slice(0, 7);
    const listed = users.filter((u) => u.hiredMs < monthEnd && (u.lastDayMs === undefined || u.lastDayMs >= monthEnd));
    sink.write(`LDAP/${name}.csv`, `${CERT_HEADERS.ldap}\n${listed.map((u) => ldapRow(u, byId)).join('\n')}\n`);
    rows.ldap += listed.length;
  }

  const buf = new DayBuffer();
  const writer = new DayWriter(buf, colleagues);
  const maliciousDays = new Map<string, { scenario: CertScenario; days: Map<number, [number, number]> }>();
  for (const p of planList) {
    if ((CERT_SCENARIOS as readonly string[]).includes(p.kind)) maliciousDays.set(p.user, { scenario: p.kind as CertScenario, days: new Map() });
  }
  for (let day = 0; day < o.days; day++) {
    const dayMs = o.startMs + day * DAY_MS;
    buf.clear();
    users.forEach((u, i) => {
      if (dayMs < u.hiredMs || (u.lastDayMs !== undefined && dayMs > u.lastDayMs)) return;
      const { malicious } = userDay(writer, o, u, dayMs, day, i, look);
      if (malicious.length > 0) {
        const entry = maliciousDays.get(u.id)!;
        const lo = Math.min(...malicious);
        const hi = Math.max(...malicious);
        // The same rounding as the rows' times (whole seconds), so a label covers its rows exactly.
        const second = (t: number) => dayMs + clamp(Math.round(t / 1000) * 1000, 0, DAY_MS - 1000);
        entry.days.set(dayMs, [second(lo), second(hi)]);
      }
    });
    const prefix = datePrefix(dayMs);
    for (const f of CERT_FILES) {
      const r = buf.rows[f];
      const order = r.t.map((_, i) => i).sort((a, b) => r.t[a]! - r.t[b]! || a - b);
      const lines: string[] = [];
      for (const i of order) lines.push(`${certId(idRngs[f])},${prefix}${timeOfDay(r.t[i]!)},${r.rest[i]}`);
      if (lines.length > 0) sink.write(`${f}.csv`, `${lines.join('\n')}\n`);
      rows[f] += lines.length;
    }
  }

  const labels: CertLabel[] = [];
  for (const [user, entry] of maliciousDays) {
    for (const [, [start, end]] of [...entry.days].sort((a, b) => a[0] - b[0])) {
      labels.push({ user, scenario: entry.scenario, start, end: end + 999, traces: SCENARIO_TRACES[entry.scenario].join('|') });
    }
  }
  labels.sort((a, b) => a.start - b.start || (a.user < b.user ? -1 : 1));
  const benignLabels: CertLabel[] = planList
    .filter((p) => !(CERT_SCENARIOS as readonly string[]).includes(p.kind))
    .map((p) => ({ user: p.user, scenario: `benign:${p.kind}`, start: p.from, end: Math.min(o.endMs, p.to + DAY_MS) - 1, traces: '' }))
    .sort((a, b) => a.start - b.start || (a.user < b.user ? -1 : 1));
  return { options: o, users, rows, labels, benignLabels, seconds: (performance.now() - began) / 1000 };
}

/** The labels CSV `riskgraph eval --labels` reads, plus the files carrying each insider's trace. */
export function certLabelsCsv(labels: readonly CertLabel[]): string {
  const lines = ['user,scenario,start,end,traces'];
  for (const l of labels) lines.push(`${l.user},${l.scenario},${new Date(l.start).toISOString()},${new Date(l.end).toISOString()},${l.traces}`);
  return `${lines.join('\n')}\n`;
}

/** Writes the dataset under `out` (created if absent) and returns a summary for the CLI. */
export function generateCertToFiles(options: CertOptions & { out: string }): Record<string, unknown> {
  mkdirSync(path.join(options.out, 'LDAP'), { recursive: true });
  mkdirSync(path.join(options.out, 'answers'), { recursive: true });
  // Synchronous writes: generation is synchronous, so buffered streams would hold the whole dataset.
  const fds = new Map<string, number>();
  const sink: CertSink = {
    write(file, text) {
      let fd = fds.get(file);
      if (fd === undefined) {
        fd = openSync(path.join(options.out, file), 'w');
        fds.set(file, fd);
      }
      writeSync(fd, text);
    },
  };
  let result: CertResult;
  try {
    result = generateCert(options, sink);
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
  writeFileSync(path.join(options.out, 'answers', 'labels.csv'), certLabelsCsv(result.labels));
  writeFileSync(path.join(options.out, 'answers', 'labels.benign.csv'), certLabelsCsv(result.benignLabels));
  const insiders: Record<string, number> = {};
  for (const scenario of CERT_SCENARIOS) insiders[scenario] = new Set(result.labels.filter((x) => x.scenario === scenario).map((x) => x.user)).size;
  return {
    shape: 'cert',
    out: options.out,
    users: result.users.length,
    months: result.options.months,
    days: result.options.days,
    seed: result.options.seed,
    rows: result.rows,
    insiders,
    hardNegatives: result.benignLabels.length,
    leavers: result.users.filter((u) => u.lastDayMs !== undefined).length,
    seconds: Number(result.seconds.toFixed(2)),
  };
}
