/** Shared GraphQL fragments of the console (written out: the API offers no introspection in production). */
export const ALERT_FIELDS = `id severity status raisedAt score reasons user { key name } session { id }
  acknowledgedAt acknowledgedBy resolvedAt resolvedBy resolution`;

export interface AlertRow {
  id: string;
  severity: string;
  status: 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';
  raisedAt: string;
  score: number;
  reasons: string[];
  user: { key: string; name: string | null };
  session: { id: string } | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
}

export interface Connection<N> {
  edges: Array<{ node: N }>;
  pageInfo?: { hasNextPage: boolean; endCursor: string | null };
}

export function nodes<N>(connection: Connection<N> | null | undefined): N[] {
  return connection?.edges.map((e) => e.node) ?? [];
}
