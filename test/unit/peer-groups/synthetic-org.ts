import type { UserAccessProfile } from '../../../src/analytics/peer-groups/peer-groups.ts';
import { seededRandom } from '../../../src/analytics/peer-groups/random.ts';

/**
 * A synthetic organisation of known departments, for tests and measurements at sizes the seed
 * generator would take long to simulate event by event: every department has its own
 * applications and servers, everybody shares a few corporate ones, the web has a Zipf-like
 * long tail, and a share of accesses cross into another department. A user's counts are
 * drawn log-normally so heavy and light users sit in the same department.
 */
export interface SyntheticOrgOptions {
  users: number;
  departments: number;
  /** Entities owned by each department. */
  perDepartment: number;
  /** Corporate entities everyone may use. */
  common: number;
  /** Long-tail web domains. */
  longTail: number;
  /** Share of a user's department accesses that go to another department's entity. */
  crossRate: number;
  seed: number;
}

export interface SyntheticOrg {
  profiles: UserAccessProfile[];
  department: Map<string, string>;
  entities: number;
}

export function syntheticOrg(options: Partial<SyntheticOrgOptions> = {}): SyntheticOrg {
  const o: SyntheticOrgOptions = {
    users: 300,
    departments: 6,
    perDepartment: 25,
    common: 20,
    longTail: 400,
    crossRate: 0.03,
    seed: 1,
    ...options,
  };
  const random = seededRandom(o.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  // Uneven departments: weights 1, 1/2, 1/3, … (but each has at least one person).
  const weights = Array.from({ length: o.departments }, (_, d) => 1 / (d + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const departmentOf = (i: number): number => {
    let target = ((i + 0.5) / o.users) * total;
    for (let d = 0; d < o.departments; d++) {
      target -= weights[d]!;
      if (target < 0) return d;
    }
    return o.departments - 1;
  };
  const deptName = (d: number) => `dept-${String(d).padStart(2, '0')}`;
  const owned = Array.from({ length: o.departments }, (_, d) =>
    Array.from({ length: o.perDepartment }, (_, e) =>
      e % 3 === 0 ? { type: 'Application' as const, id: `${deptName(d)}-app-${e}` } : { type: 'Asset' as const, id: `${deptName(d)}-srv-${e}` },
    ),
  );
  const common = Array.from({ length: o.common }, (_, e) => ({ type: 'Asset' as const, id: `corp-${e}` }));
  const tail = Array.from({ length: o.longTail }, (_, e) => ({ type: 'Asset' as const, id: `site-${e}.example` }));

  const profiles: UserAccessProfile[] = [];
  const department = new Map<string, string>();
  for (let i = 0; i < o.users; i++) {
    const d = departmentOf(i);
    const user = `user-${String(i).padStart(6, '0')}`;
    department.set(user, deptName(d));
    const counts = new Map<string, { type: 'Application' | 'Asset' | 'Device'; id: string; count: number }>();
    const touch = (e: { type: 'Application' | 'Asset' | 'Device'; id: string }, times: number) => {
      const key = `${e.type}:${e.id}`;
      const found = counts.get(key);
      if (found === undefined) counts.set(key, { ...e, count: times });
      else found.count += times;
    };
    const activity = Math.exp(0.5 * normal());
    // Most of a department's entities, used often.
    for (const e of owned[d]!) if (random() < 0.7) touch(e, Math.max(1, Math.round(activity * 40 * random())));
    for (const e of common) if (random() < 0.6) touch(e, Math.max(1, Math.round(activity * 20 * random())));
    const accesses = Math.round(activity * 30);
    for (let a = 0; a < accesses; a++) {
      if (random() < o.crossRate) touch(pick(owned[Math.floor(random() * o.departments)]!), 1);
      // Zipf-like long tail: index ∝ u² favours the head.
      if (random() < 0.5) touch(tail[Math.floor(random() ** 2 * tail.length)]!, 1);
    }
    touch({ type: 'Device', id: `WS-${i}` }, Math.round(activity * 100));
    profiles.push({
      user,
      department: deptName(d),
      title: i % 5 === 0 ? 'Manager' : 'Staff',
      manager: null,
      access: [...counts.values()].map((e) => ({
        ...e,
        bytesIn: Math.round(e.count * 1000 * activity),
        bytesOut: Math.round(e.count * 100 * activity),
      })),
    });
  }
  return { profiles, department, entities: o.departments * o.perDepartment + o.common + o.longTail + o.users };
}
