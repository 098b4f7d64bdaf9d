import { cypher } from './cypher.ts';
import type { EntityRecord, UserRecord } from './entity.repository.ts';
import { type Neo4jExecutor, runIn } from './executor.ts';

/**
 * The fusion context inputs administrators set, stored on the nodes the pipeline already
 * reads per batch (so a change applies to the findings scored after it, on every instance,
 * with nothing to announce):
 * - `(:Asset).criticality`: a FLOAT multiplier (1 = normal) applied to findings on the asset;
 *   absent = never rated (fusion treats it as 1);
 * - `(:User).watchlists`: the names of the watchlists the user is on; absent = on none.
 * Both properties exist only on rated assets and watchlisted users, and their indexes
 * (migration 006) make the listings read just those nodes. A watchlist is no node of its own:
 * it exists while it has members.
 */
export type AssetProperties = EntityRecord['props'];

export interface AssetCriticalityChange {
  asset: AssetProperties;
  /** The criticality this change replaced; null when the asset had none. */
  previous: number | null;
  /** The asset was unknown and has been created (setting only). */
  created: boolean;
}

export interface WatchlistSummary {
  name: string;
  /** Users on it. */
  size: number;
}

export interface WatchlistChange extends WatchlistSummary {
  /** Users added (or removed) by this change; users already on (or not on) the list do not count. */
  changed: number;
}

/** Where a page of critical assets continues: after this asset in (criticality desc, id) order. */
export interface CriticalAssetCursor {
  criticality: number;
  id: string;
}

export interface ContextInputRepository {
  /** Sets the criticality, creating the asset (a host) when unknown. */
  setAssetCriticality(assetId: string, criticality: number): Promise<AssetCriticalityChange>;
  /** Clears the criticality; null when the asset is unknown (nothing is created). */
  clearAssetCriticality(assetId: string): Promise<AssetCriticalityChange | null>;
  /** Rated assets, most critical first, then by key. */
  criticalAssets(after: CriticalAssetCursor | null, limit: number): Promise<AssetProperties[]>;
  /** Puts users on a list (creating unknown users); the list's size after the change, in the same transaction. */
  addToWatchlist(list: string, userIds: readonly string[]): Promise<WatchlistChange>;
  /** Takes users off a list; unknown users are skipped. */
  removeFromWatchlist(list: string, userIds: readonly string[]): Promise<WatchlistChange>;
  /** Watchlists by name after `after` (exclusive). */
  watchlists(after: string | null, limit: number): Promise<WatchlistSummary[]>;
  /** One page of members of each list, by user key after `after` (exclusive); every list asked is in the map. */
  watchlistMembers(lists: readonly string[], after: string | null, limit: number): Promise<Map<string, UserRecord[]>>;
}

export class Neo4jContextInputRepository implements ContextInputRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async setAssetCriticality(assetId: string, criticality: number): Promise<AssetCriticalityChange> {
    const [row] = await this.#executor.query<{ asset: AssetProperties; previous: number | null; created: boolean }>(
      'WRITE',
      cypher('asset-criticality-set'),
      { id: assetId, criticality },
    );
    if (row === undefined) throw new Error(`criticality of asset ${assetId} was not stored`);
    return { asset: row.asset, previous: row.previous ?? null, created: row.created };
  }

  async clearAssetCriticality(assetId: string): Promise<AssetCriticalityChange | null> {
    const [row] = await this.#executor.query<{ asset: AssetProperties; previous: number | null }>('WRITE', cypher('asset-criticality-clear'), {
      id: assetId,
    });
    return row === undefined ? null : { asset: row.asset, previous: row.previous ?? null, created: false };
  }

  async criticalAssets(after: CriticalAssetCursor | null, limit: number): Promise<AssetProperties[]> {
    const rows = await this.#executor.query<{ asset: AssetProperties }>('READ', cypher('critical-assets-page'), { after, limit });
    return rows.map((row) => row.asset);
  }

  addToWatchlist(list: string, userIds: readonly string[]): Promise<WatchlistChange> {
    return this.#changeWatchlist('watchlist-add', 'added', list, userIds);
  }

  removeFromWatchlist(list: string, userIds: readonly string[]): Promise<WatchlistChange> {
    return this.#changeWatchlist('watchlist-remove', 'removed', list, userIds);
  }

  async watchlists(after: string | null, limit: number): Promise<WatchlistSummary[]> {
    return this.#executor.query<WatchlistSummary>('READ', cypher('watchlists-page'), { after: after ?? '', limit });
  }

  async watchlistMembers(lists: readonly string[], after: string | null, limit: number): Promise<Map<string, UserRecord[]>> {
    const result = new Map<string, UserRecord[]>();
    if (lists.length === 0) return result;
    const rows = await this.#executor.query<{ list: string; members: UserRecord[] }>('READ', cypher('watchlist-members'), {
      lists: [...lists],
      after: after ?? '',
      limit,
    });
    for (const row of rows) result.set(row.list, row.members);
    return result;
  }

  /** The change and the list's size after it, in one transaction (the size includes this change). */
  #changeWatchlist(statement: 'watchlist-add' | 'watchlist-remove', counted: 'added' | 'removed', list: string, userIds: readonly string[]) {
    const users = [...new Set(userIds)];
    return this.#executor.write(async (tx): Promise<WatchlistChange> => {
      const [change] = await runIn<Record<string, number>>(tx, cypher(statement), { list, users });
      const [count] = await runIn<{ size: number }>(tx, cypher('watchlist-size'), { list });
      return { name: list, size: count?.size ?? 0, changed: change?.[counted] ?? 0 };
    });
  }
}
