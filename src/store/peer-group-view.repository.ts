import type { UserRecord } from './entity.repository.ts';
import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';

/**
 * Reads of peer groups for the API. The peer-group job writes them (peer-group.repository.ts)
 * build by build; lists show the active build's groups only, a group asked for by id is
 * shown whatever its build (with `active`), so an old alert's group can still be looked up.
 * Memberships: rank 1 is the user's own group, rank 2 the runner-up.
 */
export interface PeerGroupRecord {
  id: string;
  kind?: string | null;
  label?: string | null;
  algorithm?: string | null;
  k?: number | null;
  silhouette?: number | null;
  builtAt?: number | null;
  size?: number | null;
  active?: boolean | null;
  [property: string]: unknown;
}

export interface MembershipRecord {
  userId: string;
  group: PeerGroupRecord;
  degree: number;
  rank: number | null;
}

export interface MemberRecord {
  user: UserRecord;
  degree: number;
  rank: number | null;
}

export interface MemberCursor {
  rank: number;
  degree: number;
  id: string;
}

export interface PeerGroupViewRepository {
  page(kind: string | null, after: string | null, limit: number): Promise<PeerGroupRecord[]>;
  byIds(ids: readonly string[]): Promise<PeerGroupRecord[]>;
  membershipsOf(userIds: readonly string[]): Promise<MembershipRecord[]>;
  members(groupIds: readonly string[], after: MemberCursor | null, limit: number): Promise<Map<string, MemberRecord[]>>;
}

export class Neo4jPeerGroupViewRepository implements PeerGroupViewRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async page(kind: string | null, after: string | null, limit: number): Promise<PeerGroupRecord[]> {
    const rows = await this.#executor.query<{ group: PeerGroupRecord }>('READ', cypher('peer-groups-page'), { kind, after, limit });
    return rows.map((row) => row.group);
  }

  async byIds(ids: readonly string[]): Promise<PeerGroupRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.#executor.query<{ group: PeerGroupRecord }>('READ', cypher('peer-groups-by-ids'), { ids: [...ids] });
    return rows.map((row) => row.group);
  }

  async membershipsOf(userIds: readonly string[]): Promise<MembershipRecord[]> {
    if (userIds.length === 0) return [];
    return this.#executor.query<MembershipRecord>('READ', cypher('peer-group-memberships'), { ids: [...userIds] });
  }

  async members(groupIds: readonly string[], after: MemberCursor | null, limit: number): Promise<Map<string, MemberRecord[]>> {
    const result = new Map<string, MemberRecord[]>();
    if (groupIds.length === 0) return result;
    const rows = await this.#executor.query<{ groupId: string; members: MemberRecord[] }>('READ', cypher('peer-group-members'), {
      groups: [...groupIds],
      after,
      limit,
    });
    for (const row of rows) result.set(row.groupId, row.members);
    return result;
  }
}
