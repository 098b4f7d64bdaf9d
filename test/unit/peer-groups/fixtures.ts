import type { AccessEdge, UserAccessProfile } from '../../../src/analytics/peer-groups/peer-groups.ts';

/**
 * Small hand-written profiles. Access is written as `{ 'app:crm': 3, 'asset:FIN-DB': 1,
 * 'device:WS-1': 9 }`: entity type prefix, id, count; bytes are 100 in and 10 out per access
 * unless given.
 */
export function profile(
  user: string,
  access: Record<string, number>,
  hr: { department?: string; title?: string; manager?: string } = {},
  bytes: Record<string, { in: number; out: number }> = {},
): UserAccessProfile {
  const edges: AccessEdge[] = Object.entries(access).map(([key, count]) => {
    const [prefix, ...rest] = key.split(':');
    const id = rest.join(':');
    const type = prefix === 'app' ? 'Application' : prefix === 'asset' ? 'Asset' : prefix === 'device' ? 'Device' : undefined;
    if (type === undefined) throw new Error(`bad access key ${key}`);
    return { type, id, count, bytesIn: bytes[key]?.in ?? count * 100, bytesOut: bytes[key]?.out ?? count * 10 };
  });
  return {
    user,
    department: hr.department ?? null,
    title: hr.title ?? null,
    manager: hr.manager ?? null,
    access: edges,
  };
}

/**
 * `perGroup` users in each of `groups` groups; a group's users each use 4 of its 5 own
 * applications (a different one left out in turn) with counts 2–9, and everybody uses the
 * corporate mail server. The groups are the departments.
 */
export function obviousGroups(groups: number, perGroup: number): UserAccessProfile[] {
  const profiles: UserAccessProfile[] = [];
  for (let g = 0; g < groups; g++) {
    for (let u = 0; u < perGroup; u++) {
      const access: Record<string, number> = { 'asset:MAIL': 5 + u, [`device:WS-${g}-${u}`]: 20 };
      for (let e = 0; e < 5; e++) if (e !== u % 5) access[`app:g${g}-app${e}`] = 2 + ((u * 7 + e * 3) % 8);
      profiles.push(profile(`g${g}-u${String(u).padStart(2, '0')}`, access, { department: `dept-${g}` }));
    }
  }
  return profiles;
}
