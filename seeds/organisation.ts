/**
 * The synthetic organisation: departments with their own applications, assets and web
 * domains, people in a management tree spread over offices in several time zones, a few
 * privileged administrators and non-interactive service accounts.
 *
 * The organisation is the ground truth tests and the detection evaluation read (who is in
 * which department, who is privileged, which resources belong to whom). It depends only on
 * the seed, the number of users and the number of service accounts, never on the period or
 * the injected scenarios.
 */
import { Rng, STREAM, seedFor } from './random.ts';

export interface HrFields {
  name: string;
  email: string;
  department: string;
  title: string;
  /** Manager's user id; absent for the chief executive. */
  manager?: string;
  /** "City, CC". */
  location: string;
  status: 'ACTIVE' | 'NOTICE_GIVEN' | 'ON_LEAVE' | 'TERMINATED';
  /** ISO date, YYYY-MM-DD. */
  effective_date: string;
  /** ISO date, YYYY-MM-DD; set with NOTICE_GIVEN and TERMINATED. */
  last_day?: string;
}

/** An office or travel city. Time zones are fixed offsets: daylight saving is not modelled. */
export interface Location {
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  lat: number;
  lon: number;
  /** Minutes east of UTC. */
  tzOffsetMinutes: number;
  /** First three octets of the public addresses handed out in this city (homes, hotels). */
  ipPrefix: string;
}

export type AssetKind = 'server' | 'database' | 'share';

/** A named server, database or file share: `destination.address`, an Asset node. */
export interface Asset {
  name: string;
  kind: AssetKind;
  /** The owning department's id, or null for corporate assets everyone uses. */
  department: string | null;
  /** For databases and shares, the client application (`service.name`) used to reach it. */
  service?: string;
}

/** An application (`service.name`), optionally backed by one of the assets. */
export interface Application {
  name: string;
  department: string | null;
  /** `destination.address` of the server the application runs on, if it is on premises. */
  asset?: string;
}

export interface TitleSpec {
  title: string;
  weight: number;
  /**
   * Multiplier on the volume of this role's downloads and uploads (default 1). A role whose
   * large transfers are normal (data engineers, video producers) is a hard negative for the
   * volume indicators.
   */
  transferScale?: number;
  /** Privileged administrators reach servers of every department. */
  privileged?: boolean;
}

export interface Department {
  id: string;
  /** Upper-case prefix of the department's asset and host names. */
  code: string;
  name: string;
  /** Relative head count; departments are deliberately uneven. */
  weight: number;
  headTitle: string;
  managerTitle: string;
  titles: readonly TitleSpec[];
  applications: readonly Application[];
  assets: readonly Asset[];
  /** Web domains this department's work takes it to. */
  domains: readonly string[];
  /** External mail domains of the department's partners, customers, suppliers. */
  partnerDomains: readonly string[];
  /** Trips per person per 30 days. */
  travelRate: number;
}

/** Personal working habits, drawn once per user. Hours are local to the user's time zone. */
export interface Habits {
  /** Usual start of the working day, local hours (8.5 = 08:30). */
  startHour: number;
  /** Usual length of the working day, hours. */
  dayHours: number;
  /** Probability that a working day is spent remote (VPN from home). */
  remoteRate: number;
  /** Probability of working on a given weekend day. */
  weekendRate: number;
  /** Probability of an evening session after a working day. */
  lateRate: number;
  /** Multiplier on the event rate (log-normal around 1). */
  activity: number;
  /** Trips per 30 days. */
  travelRate: number;
  /** Probability that a logon starts with a mistyped password. */
  failRate: number;
  /** Multiplier on transfer volumes (see TitleSpec.transferScale). */
  transferScale: number;
}

/** What one person routinely uses, in order of preference (the front is used most). */
export interface ResourceProfile {
  department: string;
  applications: readonly Application[];
  assets: readonly Asset[];
  /** Common domains the person visits, then department domains, then personal ones. */
  commonDomains: readonly string[];
  departmentDomains: readonly string[];
  personalDomains: readonly string[];
  /** Administrators only: servers of other departments they maintain. */
  routineServers: readonly Asset[];
}

export interface User {
  /** Position in `Organisation.users`; stable for the seed. */
  index: number;
  /** `user.name`: the User node's id. */
  id: string;
  kind: 'human' | 'service';
  name: string;
  email: string;
  department: string;
  title: string;
  /** The manager's user id; null for the chief executive and service accounts. */
  manager: string | null;
  privileged: boolean;
  home: Location;
  /** The person's own workstation (`host.name`), or the server a service account runs on. */
  host: string;
  /** The workstation's address on the office network. */
  officeIp: string;
  /** The public address of the person's home connection. */
  homeIp: string;
  /** ISO date (YYYY-MM-DD) the person joined. */
  hireDate: string;
  habits: Habits;
  profile: ResourceProfile;
}

export interface Organisation {
  seed: number;
  /** Mail domain of the organisation. */
  domain: string;
  departments: readonly Department[];
  /** Humans first (index 0 is the chief executive), then service accounts. */
  users: readonly User[];
  byId: ReadonlyMap<string, User>;
  offices: readonly Location[];
  /** Cities people travel to besides the offices. */
  travelCities: readonly Location[];
  /** Cities far from every office, where a stolen credential is used from. */
  foreignCities: readonly Location[];
  commonApplications: readonly Application[];
  commonAssets: readonly Asset[];
  commonDomains: readonly string[];
  /** The long tail of the web: ordinary-looking sites visited rarely. */
  longTailDomains: readonly string[];
  /** Personal mail providers (exfiltration to oneself). */
  personalMailDomains: readonly string[];
  /** File-sharing sites (uploads). */
  fileSharingDomains: readonly string[];
  /** Workstations several people use. */
  sharedHosts: readonly string[];
  /** Every asset, corporate and departmental, including the servers applications run on. */
  assets: readonly Asset[];
  /** Which department owns an application or asset name (null: corporate). */
  resourceDepartment: ReadonlyMap<string, string | null>;
}

export interface OrganisationOptions {
  seed: number;
  /** Number of people (service accounts come on top). At least one per department. */
  users: number;
  /** Service accounts, 0 to 4 (backup, ETL, CI, monitoring). */
  serviceAccounts: number;
  /** Mail domain. */
  domain: string;
}

// ---------------------------------------------------------------------------------------
// Catalogue

const loc = (
  city: string,
  country: string,
  lat: number,
  lon: number,
  tzOffsetMinutes: number,
  ipPrefix: string,
): Location => ({ city, country, lat, lon, tzOffsetMinutes, ipPrefix });

/** Offices with the share of staff based in each. London is headquarters. */
const OFFICES: readonly { location: Location; weight: number }[] = [
  { location: loc('London', 'GB', 51.5074, -0.1278, 0, '81.2.69'), weight: 35 },
  { location: loc('New York', 'US', 40.7128, -74.006, -300, '24.90.12'), weight: 20 },
  { location: loc('San Francisco', 'US', 37.7749, -122.4194, -480, '67.188.40'), weight: 12 },
  { location: loc('Berlin', 'DE', 52.52, 13.405, 60, '91.64.18'), weight: 10 },
  { location: loc('Bangalore', 'IN', 12.9716, 77.5946, 330, '49.207.52'), weight: 10 },
  { location: loc('Singapore', 'SG', 1.3521, 103.8198, 480, '116.86.9'), weight: 6 },
  { location: loc('Sydney', 'AU', -33.8688, 151.2093, 600, '101.160.34'), weight: 4 },
  { location: loc('Toronto', 'CA', 43.6532, -79.3832, -300, '99.227.71'), weight: 3 },
];

const TRAVEL_CITIES: readonly Location[] = [
  loc('Paris', 'FR', 48.8566, 2.3522, 60, '90.84.140'),
  loc('Madrid', 'ES', 40.4168, -3.7038, 60, '83.59.22'),
  loc('Amsterdam', 'NL', 52.3676, 4.9041, 60, '145.53.87'),
  loc('Chicago', 'US', 41.8781, -87.6298, -360, '73.45.120'),
  loc('Dubai', 'AE', 25.2048, 55.2708, 240, '94.200.31'),
  loc('Tokyo', 'JP', 35.6762, 139.6503, 540, '126.72.15'),
  loc('Hong Kong', 'HK', 22.3193, 114.1694, 480, '112.118.66'),
];

const FOREIGN_CITIES: readonly Location[] = [
  loc('Lagos', 'NG', 6.5244, 3.3792, 60, '105.112.27'),
  loc('Moscow', 'RU', 55.7558, 37.6173, 180, '95.165.141'),
  loc('Sao Paulo', 'BR', -23.5505, -46.6333, -180, '177.92.58'),
  loc('Jakarta', 'ID', -6.2088, 106.8456, 420, '36.73.104'),
  loc('Pyongyang', 'KP', 39.0392, 125.7625, 540, '175.45.176'),
  loc('Tehran', 'IR', 35.6892, 51.389, 210, '5.160.42'),
  loc('Bogota', 'CO', 4.711, -74.0721, -300, '181.51.92'),
];

const app = (name: string, department: string | null, asset?: string): Application =>
  asset === undefined ? { name, department } : { name, department, asset };
const server = (name: string, department: string | null): Asset => ({ name, kind: 'server', department });
const db = (name: string, department: string | null, service: string): Asset => ({
  name,
  kind: 'database',
  department,
  service,
});
const share = (name: string, department: string | null): Asset => ({
  name,
  kind: 'share',
  department,
  service: 'smb',
});

const DEPARTMENTS: readonly Department[] = [
  {
    id: 'executive',
    code: 'EXE',
    name: 'Executive',
    weight: 3,
    headTitle: 'Chief Executive Officer',
    managerTitle: 'Chief of Staff',
    titles: [
      { title: 'Chief Financial Officer', weight: 1 },
      { title: 'Chief Operating Officer', weight: 1 },
      { title: 'Executive Assistant', weight: 2 },
    ],
    applications: [
      app('board-portal', 'executive', 'EXE-BRD-01'),
      app('tableau', 'executive', 'EXE-BI-01'),
      app('pitchbook', 'executive'),
    ],
    assets: [share('EXE-SHARE-01', 'executive'), server('EXE-BI-01', 'executive')],
    domains: ['wsj.com', 'ft.com', 'economist.com', 'pitchbook.com', 'hbr.org'],
    partnerDomains: ['board-advisors.example.net', 'ir-partners.example.net'],
    travelRate: 1.2,
  },
  {
    id: 'engineering',
    code: 'ENG',
    name: 'Engineering',
    weight: 30,
    headTitle: 'VP Engineering',
    managerTitle: 'Engineering Manager',
    titles: [
      { title: 'Software Engineer', weight: 10 },
      { title: 'Senior Software Engineer', weight: 6 },
      { title: 'QA Engineer', weight: 2 },
      { title: 'DevOps Engineer', weight: 2 },
      { title: 'Data Engineer', weight: 2, transferScale: 25 },
    ],
    applications: [
      app('gitlab', 'engineering', 'ENG-GIT-01'),
      app('jira', 'engineering', 'ENG-JIRA-01'),
      app('jenkins', 'engineering', 'ENG-BUILD-01'),
      app('grafana', 'engineering', 'ENG-MON-01'),
      app('artifactory', 'engineering', 'ENG-ART-01'),
      app('sentry', 'engineering'),
    ],
    assets: [
      server('ENG-BUILD-02', 'engineering'),
      server('ENG-DEV-01', 'engineering'),
      server('ENG-DEV-02', 'engineering'),
      server('ENG-STAGE-01', 'engineering'),
      db('ENG-DB-01', 'engineering', 'postgres'),
      share('ENG-SHARE-01', 'engineering'),
    ],
    domains: [
      'github.com',
      'stackoverflow.com',
      'npmjs.com',
      'docs.python.org',
      'developer.mozilla.org',
      'hub.docker.com',
      'pypi.org',
      'go.dev',
    ],
    partnerDomains: ['devshop-contractors.example.net', 'cloudvendor.example.net'],
    travelRate: 0.15,
  },
  {
    id: 'sales',
    code: 'SAL',
    name: 'Sales',
    weight: 18,
    headTitle: 'VP Sales',
    managerTitle: 'Sales Manager',
    titles: [
      { title: 'Account Executive', weight: 6 },
      { title: 'Sales Development Representative', weight: 4 },
      { title: 'Solutions Engineer', weight: 2 },
    ],
    applications: [
      app('salesforce', 'sales'),
      app('gong', 'sales'),
      app('outreach', 'sales'),
      app('cpq', 'sales', 'SAL-APP-01'),
      app('docusign', 'sales'),
    ],
    assets: [db('SAL-DB-01', 'sales', 'mssql'), share('SAL-SHARE-01', 'sales')],
    domains: ['salesforce.com', 'zoominfo.com', 'gong.io', 'crunchbase.com', 'hubspot.com'],
    partnerDomains: ['globex.example.net', 'initech.example.net', 'umbrella.example.net', 'hooli.example.net'],
    travelRate: 0.9,
  },
  {
    id: 'marketing',
    code: 'MKT',
    name: 'Marketing',
    weight: 9,
    headTitle: 'VP Marketing',
    managerTitle: 'Marketing Manager',
    titles: [
      { title: 'Content Marketer', weight: 3 },
      { title: 'Product Marketing Manager', weight: 2 },
      { title: 'Video Producer', weight: 1, transferScale: 25 },
      { title: 'Marketing Analyst', weight: 2 },
    ],
    applications: [
      app('marketo', 'marketing'),
      app('canva', 'marketing'),
      app('adobe-cc', 'marketing'),
      app('wordpress', 'marketing', 'MKT-WEB-01'),
      app('semrush', 'marketing'),
    ],
    assets: [share('MKT-SHARE-01', 'marketing'), db('MKT-DAM-01', 'marketing', 'postgres')],
    domains: ['canva.com', 'semrush.com', 'adobe.com', 'vimeo.com', 'unsplash.com'],
    partnerDomains: ['adagency.example.net', 'pr-partners.example.net'],
    travelRate: 0.3,
  },
  {
    id: 'customer-support',
    code: 'SUP',
    name: 'Customer Support',
    weight: 11,
    headTitle: 'Head of Support',
    managerTitle: 'Support Team Lead',
    titles: [
      { title: 'Support Specialist', weight: 6 },
      { title: 'Senior Support Specialist', weight: 2 },
      { title: 'Technical Account Manager', weight: 1 },
    ],
    applications: [
      app('zendesk', 'customer-support'),
      app('intercom', 'customer-support'),
      app('statuspage', 'customer-support'),
      app('support-portal', 'customer-support', 'SUP-APP-01'),
    ],
    assets: [db('SUP-DB-01', 'customer-support', 'postgres'), share('SUP-SHARE-01', 'customer-support')],
    domains: ['zendesk.com', 'statuspage.io', 'intercom.com', 'status.aws.amazon.com'],
    partnerDomains: ['globex.example.net', 'initech.example.net', 'acme-customer.example.net'],
    travelRate: 0.1,
  },
  {
    id: 'finance',
    code: 'FIN',
    name: 'Finance',
    weight: 10,
    headTitle: 'Finance Director',
    managerTitle: 'Finance Manager',
    titles: [
      { title: 'Accountant', weight: 4 },
      { title: 'Financial Analyst', weight: 3 },
      { title: 'Payroll Specialist', weight: 1 },
      { title: 'Controller', weight: 1 },
    ],
    applications: [
      app('sap-erp', 'finance', 'FIN-ERP-01'),
      app('hyperion', 'finance', 'FIN-APP-01'),
      app('netsuite', 'finance'),
      app('expensify', 'finance'),
      app('bloomberg', 'finance'),
    ],
    assets: [
      db('FIN-DB-01', 'finance', 'mssql'),
      db('FIN-DB-02', 'finance', 'mssql'),
      share('FIN-SHARE-01', 'finance'),
    ],
    domains: ['bloomberg.com', 'xe.com', 'sec.gov', 'irs.gov', 'investing.com'],
    partnerDomains: ['auditors.example.net', 'bank-of-examples.example.net'],
    travelRate: 0.15,
  },
  {
    id: 'it-ops',
    code: 'ITO',
    name: 'IT Operations',
    weight: 8,
    headTitle: 'IT Director',
    managerTitle: 'IT Operations Manager',
    titles: [
      { title: 'Systems Administrator', weight: 4, privileged: true },
      { title: 'Network Engineer', weight: 2 },
      { title: 'IT Support Specialist', weight: 3 },
      { title: 'Security Analyst', weight: 2 },
    ],
    applications: [
      app('servicenow', 'it-ops'),
      app('vcenter', 'it-ops', 'ITO-VC-01'),
      app('ansible', 'it-ops', 'ITO-ANS-01'),
      app('splunk', 'it-ops', 'ITO-SPL-01'),
      app('okta-admin', 'it-ops'),
      app('aws-console', 'it-ops'),
    ],
    assets: [
      server('ITO-DC-01', 'it-ops'),
      server('ITO-DC-02', 'it-ops'),
      server('ITO-BKP-01', 'it-ops'),
      server('ITO-JUMP-01', 'it-ops'),
      db('ITO-CMDB-01', 'it-ops', 'postgres'),
      share('ITO-SHARE-01', 'it-ops'),
    ],
    domains: ['portal.azure.com', 'console.aws.amazon.com', 'cloudflare.com', 'microsoft.com', 'cve.mitre.org'],
    partnerDomains: ['msp-support.example.net', 'hardware-vendor.example.net'],
    travelRate: 0.1,
  },
  {
    id: 'hr',
    code: 'HR',
    name: 'Human Resources',
    weight: 5,
    headTitle: 'HR Director',
    managerTitle: 'HR Manager',
    titles: [
      { title: 'HR Business Partner', weight: 2 },
      { title: 'Recruiter', weight: 2 },
      { title: 'HR Coordinator', weight: 1 },
    ],
    applications: [
      app('workday', 'hr'),
      app('greenhouse', 'hr'),
      app('adp-payroll', 'hr', 'HR-PAY-01'),
      app('benefits-portal', 'hr'),
    ],
    assets: [db('HR-DB-01', 'hr', 'mssql'), share('HR-SHARE-01', 'hr')],
    domains: ['workday.com', 'indeed.com', 'glassdoor.com', 'shrm.org'],
    partnerDomains: ['recruit-agency.example.net', 'benefits-provider.example.net'],
    travelRate: 0.15,
  },
  {
    id: 'legal',
    code: 'LEG',
    name: 'Legal',
    weight: 4,
    headTitle: 'General Counsel',
    managerTitle: 'Legal Manager',
    titles: [
      { title: 'Corporate Counsel', weight: 2 },
      { title: 'Paralegal', weight: 2 },
      { title: 'Compliance Officer', weight: 1 },
    ],
    applications: [
      app('contract-manager', 'legal', 'LEG-CLM-01'),
      app('ediscovery', 'legal', 'LEG-EDS-01'),
      app('westlaw', 'legal'),
    ],
    assets: [share('LEG-SHARE-01', 'legal'), db('LEG-DB-01', 'legal', 'mssql')],
    domains: ['westlaw.com', 'lexisnexis.com', 'law.cornell.edu', 'eur-lex.europa.eu'],
    partnerDomains: ['outside-counsel.example.net', 'regulator.example.net'],
    travelRate: 0.2,
  },
];

const COMMON_APPLICATIONS: readonly Application[] = [
  app('outlook', null, 'CORP-MAIL-01'),
  app('slack', null),
  app('zoom', null),
  app('confluence', null, 'CORP-WIKI-01'),
  app('okta', null),
  app('intranet', null, 'CORP-INTRA-01'),
];

const COMMON_ASSETS: readonly Asset[] = [share('CORP-FS-01', null), server('CORP-PRINT-01', null)];

const COMMON_DOMAINS: readonly string[] = [
  'google.com',
  'office.com',
  'microsoft.com',
  'slack.com',
  'zoom.us',
  'wikipedia.org',
  'bbc.co.uk',
  'nytimes.com',
  'youtube.com',
  'amazon.com',
  'linkedin.com',
  'weather.com',
  'cnn.com',
  'reddit.com',
  'theguardian.com',
];

const PERSONAL_MAIL_DOMAINS: readonly string[] = ['gmail.com', 'outlook.com', 'protonmail.com', 'yahoo.com'];
const FILE_SHARING_DOMAINS: readonly string[] = ['drive.google.com', 'dropbox.com', 'wetransfer.com', 'mega.nz'];

/** Words the long tail of ordinary-looking domains is made of (not random-looking, unlike DGA). */
const DOMAIN_WORDS: readonly string[] = [
  'green', 'city', 'daily', 'garden', 'travel', 'kitchen', 'bike', 'music', 'photo', 'home',
  'pet', 'book', 'river', 'sport', 'tech', 'film', 'coffee', 'market', 'craft', 'health',
  'local', 'news', 'star', 'blue', 'house', 'food', 'game', 'trail', 'cloud', 'pixel',
];
const TLDS: readonly string[] = ['com', 'net', 'org', 'co.uk', 'de', 'io'];

const FIRST_NAMES: readonly string[] = [
  'james', 'mary', 'robert', 'patricia', 'john', 'jennifer', 'michael', 'linda', 'david', 'elizabeth',
  'william', 'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'charles', 'karen',
  'priya', 'arjun', 'ananya', 'rahul', 'wei', 'li', 'hiroshi', 'yuki', 'mohammed', 'fatima',
  'lukas', 'anna', 'felix', 'lena', 'olivia', 'noah', 'emma', 'liam', 'sophia', 'lucas',
  'mia', 'ethan', 'chloe', 'daniel', 'grace', 'samuel', 'zoe', 'omar', 'nadia', 'ravi',
];
const LAST_NAMES: readonly string[] = [
  'smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'wilson', 'taylor',
  'anderson', 'thomas', 'moore', 'martin', 'jackson', 'white', 'harris', 'clark', 'lewis', 'walker',
  'patel', 'sharma', 'gupta', 'singh', 'chen', 'wang', 'zhang', 'tanaka', 'sato', 'khan',
  'mueller', 'schmidt', 'schneider', 'fischer', 'weber', 'evans', 'roberts', 'hughes', 'wright', 'green',
  'baker', 'hall', 'young', 'king', 'scott', 'adams', 'nelson', 'hill', 'campbell', 'mitchell',
  'okafor', 'mensah', 'silva', 'santos', 'novak', 'kowalski', 'larsen', 'nguyen', 'kim', 'park',
];

/** Service accounts: name, owning department, the server they run on, what they touch. */
const SERVICE_ACCOUNTS: readonly { id: string; department: string; host: string; title: string }[] = [
  { id: 'svc-backup', department: 'it-ops', host: 'ITO-BKP-01', title: 'Backup service' },
  { id: 'svc-etl', department: 'finance', host: 'FIN-APP-01', title: 'Finance ETL service' },
  { id: 'svc-ci', department: 'engineering', host: 'ENG-BUILD-01', title: 'CI runner' },
  { id: 'svc-monitor', department: 'it-ops', host: 'ITO-SPL-01', title: 'Monitoring service' },
];

// ---------------------------------------------------------------------------------------
// Building

/** Great-circle distance in kilometres (haversine, mean Earth radius 6371 km). */
export function distanceKm(a: Pick<Location, 'lat' | 'lon'>, b: Pick<Location, 'lat' | 'lon'>): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function departmentById(org: Organisation, id: string): Department {
  const found = org.departments.find((d) => d.id === id);
  if (found === undefined) throw new RangeError(`unknown department ${id}`);
  return found;
}

/** Head counts proportional to the weights (largest remainder), at least one each. */
function apportion(total: number, weights: readonly number[]): number[] {
  if (total < weights.length) {
    throw new RangeError(`the organisation needs at least ${weights.length} users (one per department)`);
  }
  const rest = total - weights.length;
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (rest * w) / sum);
  const counts = exact.map((x) => 1 + Math.floor(x));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] as number) + 1;
    left--;
  }
  return counts;
}

/**
 * What a member of `department` routinely uses. Each person uses most of the department's
 * applications and a few of its assets, in a personal order of preference, so people in a
 * department look alike without being identical.
 */
export function resourceProfile(
  org: Pick<Organisation, 'departments' | 'commonDomains' | 'longTailDomains' | 'assets'>,
  departmentId: string,
  privileged: boolean,
  rng: Rng,
): ResourceProfile {
  const department = org.departments.find((d) => d.id === departmentId);
  if (department === undefined) throw new RangeError(`unknown department ${departmentId}`);
  const apps = rng.shuffled(department.applications);
  const assets = rng.shuffled(department.assets);
  const routineServers = privileged
    ? rng.sample(
        org.assets.filter((a) => a.department !== null && a.department !== departmentId),
        rng.between(4, 7),
      )
    : [];
  return {
    department: departmentId,
    applications: apps.slice(0, Math.max(2, Math.ceil(apps.length * rng.range(0.6, 1.0)))),
    assets: assets.slice(0, Math.max(1, Math.ceil(assets.length * rng.range(0.4, 1.0)))),
    commonDomains: rng.sample(org.commonDomains, rng.between(6, 10)),
    departmentDomains: rng.shuffled(department.domains),
    personalDomains: rng.sample(org.longTailDomains, rng.between(3, 8)),
    routineServers,
  };
}

/**
 * Titles for a department's members: privileged administrators first (at least two, about a
 * third), then every title once when there is room, so that small departments still have
 * their administrators and heavy-transfer roles; the rest by title weight.
 */
function memberTitles(department: Department, members: number, rng: Rng): TitleSpec[] {
  const titles: TitleSpec[] = [];
  const privileged = department.titles.find((t) => t.privileged === true);
  if (privileged !== undefined) {
    const admins = Math.min(members, Math.max(2, Math.ceil(members * 0.35)));
    for (let k = 0; k < admins; k++) titles.push(privileged);
  }
  if (members >= titles.length + department.titles.length + 2) {
    for (const t of department.titles) if (!titles.includes(t)) titles.push(t);
  }
  const weights = department.titles.map((t) => t.weight);
  while (titles.length < members) titles.push(department.titles[rng.weighted(weights)] as TitleSpec);
  return titles;
}

/** The department's head: reports to the chief executive (who heads the executive team). */
export function departmentHead(org: Organisation, departmentId: string): User {
  const ceo = org.users[0] as User;
  if (ceo.department === departmentId) return ceo;
  const head = org.users.find((u) => u.department === departmentId && u.manager === ceo.id);
  if (head === undefined) throw new RangeError(`department ${departmentId} has no head`);
  return head;
}

/** The HR directory record of `user`, with any changes a scenario makes. */
export function hrRecord(
  user: User,
  status: HrFields['status'],
  effectiveDate: string,
  changes: { department?: string; title?: string; manager?: string; lastDay?: string } = {},
): HrFields {
  const manager = changes.manager ?? user.manager;
  const record: HrFields = {
    name: user.name,
    email: user.email,
    department: changes.department ?? user.department,
    title: changes.title ?? user.title,
    ...(manager === null ? {} : { manager }),
    location: `${user.home.city}, ${user.home.country}`,
    status,
    effective_date: effectiveDate,
  };
  if (changes.lastDay !== undefined) record.last_day = changes.lastDay;
  return record;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** YYYY-MM-DD of a UTC time. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function buildOrganisation(options: OrganisationOptions): Organisation {
  const rng = new Rng(seedFor(options.seed, STREAM.organisation));
  const departments = DEPARTMENTS;
  const applications = [...COMMON_APPLICATIONS, ...departments.flatMap((d) => d.applications)];
  const assets = [...COMMON_ASSETS, ...departments.flatMap((d) => d.assets)];
  // The servers applications run on are assets too: reached by remote logon, backed up, and
  // the bulk of what lateral movement sweeps.
  const assetNames = new Set(assets.map((a) => a.name));
  for (const a of applications) {
    if (a.asset !== undefined && !assetNames.has(a.asset)) {
      assetNames.add(a.asset);
      assets.push(server(a.asset, a.department));
    }
  }
  const longTailDomains: string[] = [];
  for (const a of DOMAIN_WORDS) {
    for (const b of DOMAIN_WORDS) {
      if (a !== b && (a.length + b.length) % 3 === 0) longTailDomains.push(`${a}${b}.${TLDS[(a.length * b.length) % TLDS.length]}`);
    }
  }
  const catalogue = { departments, commonDomains: COMMON_DOMAINS, longTailDomains, assets };

  // Slots: one head per department, managers for every ~7 people, the rest by title weight.
  interface Slot {
    department: Department;
    role: 'head' | 'manager' | 'member';
    title: TitleSpec;
  }
  const counts = apportion(
    options.users,
    departments.map((d) => d.weight),
  );
  const slots: Slot[] = [];
  departments.forEach((department, i) => {
    const n = counts[i] as number;
    slots.push({ department, role: 'head', title: { title: department.headTitle, weight: 1 } });
    const managers = n >= 8 ? Math.ceil((n - 1) / 8) : 0;
    for (let m = 0; m < managers; m++) {
      slots.push({ department, role: 'manager', title: { title: department.managerTitle, weight: 1 } });
    }
    const members = n - 1 - managers;
    for (const title of memberTitles(department, members, rng)) slots.push({ department, role: 'member', title });
  });

  // The chief executive keeps index 0; everyone else is shuffled so that indices, ids and
  // host names say nothing about departments.
  const [ceoSlot, ...others] = slots;
  if (ceoSlot === undefined) throw new RangeError('empty organisation');
  const ordered = [ceoSlot, ...rng.shuffled(others)];

  const users: User[] = [];
  const ids = new Set<string>();
  const emails = new Set<string>();
  const officeWeights = OFFICES.map((o) => o.weight);
  const hqTime = Date.UTC(2024, 0, 1);
  ordered.forEach((slot, index) => {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    let id = `${first[0]}${last}`;
    for (let k = 2; ids.has(id); k++) id = `${first[0]}${last}${k}`;
    ids.add(id);
    let local = `${first}.${last}`;
    for (let k = 2; emails.has(local); k++) local = `${first}.${last}${k}`;
    emails.add(local);
    const home = (OFFICES[index === 0 ? 0 : rng.weighted(officeWeights)] as (typeof OFFICES)[number]).location;
    const officeIndex = OFFICES.findIndex((o) => o.location === home);
    const privileged = slot.title.privileged === true;
    const travelRate = slot.department.travelRate * (slot.role === 'member' ? 1 : 1.5);
    const habits: Habits = {
      startHour: Math.min(10.5, Math.max(7, 8.75 + 0.6 * rng.normal())),
      dayHours: Math.min(10.5, Math.max(6.5, 8.6 + 0.5 * rng.normal())),
      remoteRate: [0.05, 0.2, 0.4, 0.8][rng.weighted([3, 4, 3, 1])] as number,
      weekendRate: rng.chance(0.15) ? rng.range(0.15, 0.35) : 0.02,
      lateRate: rng.range(0.02, slot.role === 'member' ? 0.12 : 0.25),
      activity: rng.lognormal(1, 0.3),
      travelRate,
      failRate: rng.range(0.02, 0.07),
      transferScale: slot.title.transferScale ?? 1,
    };
    users.push({
      index,
      id,
      kind: 'human',
      name: `${first[0]?.toUpperCase()}${first.slice(1)} ${last[0]?.toUpperCase()}${last.slice(1)}`,
      email: `${local}@${options.domain}`,
      department: slot.department.id,
      title: slot.title.title,
      manager: null,
      privileged,
      home,
      host: `WS-${pad(index + 1, 4)}`,
      officeIp: `10.${officeIndex + 1}.${Math.floor(index / 250)}.${(index % 250) + 1}`,
      homeIp: `${home.ipPrefix}.${1 + ((index * 37 + 11) % 254)}`,
      hireDate: isoDate(hqTime - rng.int(8 * 365) * 86_400_000),
      habits,
      profile: resourceProfile(catalogue, slot.department.id, privileged, rng),
    });
  });

  // Management tree: heads report to the chief executive, managers to their head, members
  // to a manager of their department (the head when the department has none).
  const headOf = new Map<string, User>();
  const managersOf = new Map<string, User[]>();
  ordered.forEach((slot, i) => {
    const user = users[i] as User;
    if (slot.role === 'head') headOf.set(slot.department.id, user);
    if (slot.role === 'manager') managersOf.set(slot.department.id, [...(managersOf.get(slot.department.id) ?? []), user]);
  });
  const ceo = users[0] as User;
  ordered.forEach((slot, i) => {
    const user = users[i] as User;
    if (user === ceo) return;
    const head = headOf.get(slot.department.id) as User;
    if (slot.role === 'head') user.manager = ceo.id;
    else if (slot.role === 'manager') user.manager = head.id;
    else {
      const managers = managersOf.get(slot.department.id) ?? [];
      user.manager = managers.length > 0 ? (managers[i % managers.length] as User).id : head.id;
    }
  });

  const serviceCount = Math.max(0, Math.min(SERVICE_ACCOUNTS.length, options.serviceAccounts));
  for (const spec of SERVICE_ACCOUNTS.slice(0, serviceCount)) {
    const index = users.length;
    const home = (OFFICES[0] as (typeof OFFICES)[number]).location;
    users.push({
      index,
      id: spec.id,
      kind: 'service',
      name: spec.title,
      email: `${spec.id}@${options.domain}`,
      department: spec.department,
      title: spec.title,
      manager: null,
      privileged: true,
      home,
      host: spec.host,
      officeIp: `10.0.${Math.floor(index / 250)}.${(index % 250) + 1}`,
      homeIp: `10.0.${Math.floor(index / 250)}.${(index % 250) + 1}`,
      hireDate: isoDate(hqTime - 3 * 365 * 86_400_000),
      habits: {
        startHour: 0,
        dayHours: 24,
        remoteRate: 0,
        weekendRate: 1,
        lateRate: 0,
        activity: 1,
        travelRate: 0,
        failRate: 0.002,
        transferScale: 1,
      },
      profile: resourceProfile(catalogue, spec.department, false, rng),
    });
  }

  const resourceDepartment = new Map<string, string | null>();
  for (const a of applications) resourceDepartment.set(a.name, a.department);
  for (const a of assets) resourceDepartment.set(a.name, a.department);

  return {
    seed: options.seed,
    domain: options.domain,
    departments,
    users,
    byId: new Map(users.map((u) => [u.id, u])),
    offices: OFFICES.map((o) => o.location),
    travelCities: TRAVEL_CITIES,
    foreignCities: FOREIGN_CITIES,
    commonApplications: COMMON_APPLICATIONS,
    commonAssets: COMMON_ASSETS,
    commonDomains: COMMON_DOMAINS,
    longTailDomains,
    personalMailDomains: PERSONAL_MAIL_DOMAINS,
    fileSharingDomains: FILE_SHARING_DOMAINS,
    sharedHosts: ['WS-SHARED-01', 'WS-SHARED-02', 'WS-SHARED-03'],
    assets,
    resourceDepartment,
  };
}
