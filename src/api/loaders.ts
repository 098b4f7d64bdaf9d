import DataLoader from 'dataloader';
import type { AlertRecord } from '../store/alert.repository.ts';
import type { EntityKey, EntityRecord, UserRecord } from '../store/entity.repository.ts';
import type { FindingCursor, FindingRecord } from '../store/finding.repository.ts';
import type { EmploymentHistoryPage } from '../store/hr.repository.ts';
import type { MemberCursor, MemberRecord, MembershipRecord, PeerGroupRecord } from '../store/peer-group-view.repository.ts';
import type { RiskAsOfRecord, RiskSnapshotCursor, RiskSnapshotRecord } from '../store/risk-history.repository.ts';
import type {
  SessionCursor,
  SessionRecord,
  StoredExplanation,
  TimelineCursor,
  TimelinePage,
  TouchedCursor,
  TouchedRecord,
} from '../store/session.repository.ts';
import type { ApiRepositories } from './repositories.ts';
import type { IndicatorCatalog, IndicatorDescriptor } from './ports.ts';

/**
 * DataLoaders, made per request (per subscription event stream on WebSocket, without the
 * cache): every lookup by id in a response is batched into one statement per kind, so the
 * number of Cypher statements does not grow with the page size.
 *
 * Paged lists under many parents (a page of users, each with `sessions(first: 5)`) are keyed
 * by (parent, page arguments); one batch groups the keys by their page arguments and runs one
 * statement per distinct page — in a normal response, one.
 */
export interface PageKey<C, F = null> {
  parent: string;
  after: C | null;
  /** Items to fetch (page size + 1). */
  limit: number;
  /** Other arguments that select the items (e.g. whether learning findings count); part of the page. */
  filter?: F | null;
}

export interface LoaderOptions {
  cache: boolean;
  clock: () => number;
  /** The indicator catalogue, read once per batch of lookups; without it indicators resolve to null. */
  indicators?: IndicatorCatalog;
}

export function createLoaders(repos: ApiRepositories, options: LoaderOptions) {
  const cache = options.cache;
  const byId = <T>(fetch: (ids: readonly string[]) => Promise<T[]>, idOf: (item: T) => string) =>
    new DataLoader<string, T | null>(
      async (ids) => {
        const found = new Map((await fetch(ids)).map((item) => [idOf(item), item] as const));
        return ids.map((id) => found.get(id) ?? null);
      },
      { cache },
    );

  const paged = <C, T, F = null>(
    fetch: (parents: readonly string[], after: C | null, limit: number, filter: F | null) => Promise<Map<string, T>>,
    empty: () => T,
  ) =>
    new DataLoader<PageKey<C, F>, T, string>(
      async (keys) => {
        const pageOf = (key: PageKey<C, F>) => JSON.stringify([key.after, key.limit, key.filter ?? null]);
        const groups = new Map<string, PageKey<C, F>[]>();
        for (const key of keys) {
          const group = pageOf(key);
          groups.set(group, [...(groups.get(group) ?? []), key]);
        }
        const results = new Map<string, T>();
        await Promise.all(
          [...groups.entries()].map(async ([group, members]) => {
            const first = members[0]!;
            const pages = await fetch([...new Set(members.map((m) => m.parent))], first.after, first.limit, first.filter ?? null);
            for (const [parent, page] of pages) results.set(JSON.stringify([parent, group]), page);
          }),
        );
        return keys.map((key) => results.get(JSON.stringify([key.parent, pageOf(key)])) ?? empty());
      },
      { cache, cacheKeyFn: (key) => JSON.stringify([key.parent, key.after, key.limit, key.filter ?? null]) },
    );

  const user = byId<UserRecord>((ids) => repos.entities.usersByIds(ids), (u) => u.id);

  const entityKeyString = (key: EntityKey) => `${key.type}:${key.id}`;
  const entity = new DataLoader<EntityKey, EntityRecord | null, string>(
    async (keys) => {
      const found = new Map((await repos.entities.entitiesByKeys(keys)).map((e) => [entityKeyString({ type: e.type, id: e.props.id }), e] as const));
      return keys.map((key) => found.get(entityKeyString(key)) ?? null);
    },
    { cache, cacheKeyFn: entityKeyString },
  );

  const manager = new DataLoader<string, UserRecord | null>(
    async (ids) => {
      const rows = await repos.entities.managersOf(ids);
      const found = new Map(rows.map((row) => [row.userId, row.manager] as const));
      for (const row of rows) user.prime(row.manager.id, row.manager);
      return ids.map((id) => found.get(id) ?? null);
    },
    { cache },
  );

  const memberships = new DataLoader<string, MembershipRecord[]>(
    async (ids) => {
      const rows = await repos.peerGroups.membershipsOf(ids);
      const byUser = new Map<string, MembershipRecord[]>();
      for (const row of rows) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row]);
      return ids.map((id) => byUser.get(id) ?? []);
    },
    { cache },
  );

  const indicators = options.indicators;
  const indicator = new DataLoader<string, IndicatorDescriptor | null>(
    async (ids) => {
      const catalogue = indicators === undefined ? [] : await indicators.list();
      const byId = new Map(catalogue.map((i) => [i.id, i] as const));
      return ids.map((id) => byId.get(id) ?? null);
    },
    { cache },
  );

  return {
    user,
    entity,
    indicator,
    manager,
    memberships,
    session: byId<SessionRecord>((ids) => repos.sessions.byIds(ids), (s) => s.id),
    peerGroup: byId<PeerGroupRecord>((ids) => repos.peerGroups.byIds(ids), (g) => g.id),
    alert: byId<AlertRecord>((ids) => repos.alerts.byIds(ids), (a) => a.id),
    sessionsOfUser: paged<SessionCursor, SessionRecord[]>((users, after, limit) => repos.sessions.ofUsers(users, after, limit), () => []),
    touched: paged<TouchedCursor, TouchedRecord[]>((sessions, after, limit) => repos.sessions.touched(sessions, after, limit), () => []),
    explanation: byId<StoredExplanation>((ids) => repos.sessions.explanations(ids), (e) => e.sessionId),
    timeline: paged<TimelineCursor, TimelinePage>((sessions, after, limit) => repos.sessions.timelines(sessions, after, limit), () => ({ events: [], omitted: 0 })),
    /** Filter: true for learning findings only, false for scored ones only, null for all. */
    sessionFindings: paged<FindingCursor, FindingRecord[], boolean>(
      (sessions, after, limit, learning) => repos.findings.ofSessions(sessions, learning, after, limit),
      () => [],
    ),
    userFindings: paged<FindingCursor, FindingRecord[], boolean>(
      (users, after, limit, learning) => repos.findings.ofUsers(users, { learning }, after, limit),
      () => [],
    ),
    /** Filter: `since`, epoch ms, or null. */
    riskHistory: paged<RiskSnapshotCursor, RiskSnapshotRecord[], number>(
      (users, after, limit, since) => repos.riskHistory.ofUsers(users, since, after, limit),
      () => [],
    ),
    /** Filter: the instant, epoch ms (no paging: one value per user). */
    riskAsOf: paged<null, RiskAsOfRecord | null, number>((users, _after, _limit, asOf) => repos.riskHistory.asOf(users, asOf ?? 0), () => null),
    members: paged<MemberCursor, MemberRecord[]>((groups, after, limit) => repos.peerGroups.members(groups, after, limit), () => []),
    watchlistMembers: paged<string, UserRecord[]>((lists, after, limit) => repos.contextInputs.watchlistMembers(lists, after, limit), () => []),
    employmentHistory: paged<{ effectiveDate: number; id: string }, EmploymentHistoryPage>(
      (users, after, limit) => repos.hr.history(users, after, limit, options.clock()),
      () => ({ changes: [], currentId: null }),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Empties every loader's cache (the shared WebSocket loaders, each second). */
export function clearLoaders(loaders: Loaders): void {
  for (const loader of Object.values(loaders)) loader.clearAll();
}
