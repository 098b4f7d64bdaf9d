import { cypher } from './cypher.ts';
import type { Neo4jExecutor } from './executor.ts';
import { finiteOr, parseJsonBlob, stringOr, strings } from './json-blob.ts';

/**
 * Reads of findings (the `(:Anomaly)-[:IN]->(:Session)` nodes the scoring pipeline writes) for
 * the API: per session in time order, per user and across users newest first. Batched by
 * session or by user so a page of sessions with their findings costs one statement. The
 * evidence blob is parsed here, on demand (findingEvidence).
 */
export interface FindingRecord {
  id: string;
  indicatorId: string;
  family: string | null;
  title: string | null;
  /** User key. */
  user: string;
  sessionId: string | null;
  /** When the behaviour happened, epoch ms. */
  at: number;
  evaluatedAt: number | null;
  /** Found on an immature baseline or in learning mode: logged, not scored. */
  learning: boolean;
  anchorScore: number;
  testKind: 'p-value' | 'fact' | null;
  pValue: number | null;
  fact: string | null;
  reason: string;
  /** The indicator's Evidence object as stored (JSON); read it with `findingEvidence`. */
  evidenceJson: unknown;
  eventIds: string[];
}

/**
 * A finding's evidence, parsed when a response asks for it (it is the bulk of a finding), so a
 * corrupt blob fails that one field only.
 */
export function findingEvidence(finding: Pick<FindingRecord, 'id' | 'evidenceJson'>): unknown {
  return parseJsonBlob(finding.evidenceJson, `evidence of finding ${finding.id}`);
}

export interface FindingCursor {
  at: number;
  id: string;
}

/** What selects findings; every field optional (null: no restriction). Times epoch ms. */
export interface FindingFilter {
  user?: string | null;
  indicatorId?: string | null;
  /** true: learning findings only; false: scored ones only. */
  learning?: boolean | null;
  /** Inclusive. */
  since?: number | null;
  /** Exclusive. */
  until?: number | null;
}

export interface FindingRepository {
  /** One page per session, in time order; the same cursor applies to every session. */
  ofSessions(sessions: readonly string[], learning: boolean | null, after: FindingCursor | null, limit: number): Promise<Map<string, FindingRecord[]>>;
  /** One page per user, newest first; the same filter and cursor apply to every user. */
  ofUsers(users: readonly string[], filter: Omit<FindingFilter, 'user'>, after: FindingCursor | null, limit: number): Promise<Map<string, FindingRecord[]>>;
  /** One page of all findings matching the filter, newest first. */
  page(filter: FindingFilter, after: FindingCursor | null, limit: number): Promise<FindingRecord[]>;
}

// Open time bounds as numbers, so every statement's range predicate can seek its time index.
const EARLIEST = Number.MIN_SAFE_INTEGER;
const LATEST = Number.MAX_SAFE_INTEGER;

export class Neo4jFindingRepository implements FindingRepository {
  readonly #executor: Neo4jExecutor;

  constructor(executor: Neo4jExecutor) {
    this.#executor = executor;
  }

  async ofSessions(sessions: readonly string[], learning: boolean | null, after: FindingCursor | null, limit: number): Promise<Map<string, FindingRecord[]>> {
    const result = new Map<string, FindingRecord[]>();
    if (sessions.length === 0) return result;
    const rows = await this.#executor.query<{ sessionId: string; findings: Record<string, unknown>[] }>('READ', cypher('session-findings'), {
      sessions: [...sessions],
      learning,
      after,
      limit,
    });
    for (const row of rows) result.set(row.sessionId, row.findings.map(findingRecord));
    return result;
  }

  async ofUsers(users: readonly string[], filter: Omit<FindingFilter, 'user'>, after: FindingCursor | null, limit: number): Promise<Map<string, FindingRecord[]>> {
    const result = new Map<string, FindingRecord[]>();
    if (users.length === 0) return result;
    const rows = await this.#executor.query<{ userId: string; findings: Record<string, unknown>[] }>('READ', cypher('user-findings'), {
      users: [...users],
      ...bounds(filter),
      indicatorId: filter.indicatorId ?? null,
      after,
      limit,
    });
    for (const row of rows) result.set(row.userId, row.findings.map(findingRecord));
    return result;
  }

  async page(filter: FindingFilter, after: FindingCursor | null, limit: number): Promise<FindingRecord[]> {
    // The most selective index first: the user's, then the indicator's, else time alone.
    if (filter.user) return (await this.ofUsers([filter.user], filter, after, limit)).get(filter.user) ?? [];
    const [statement, params] = filter.indicatorId
      ? ['findings-by-indicator', { indicatorId: filter.indicatorId }]
      : ['findings-page', {}];
    const rows = await this.#executor.query<{ finding: Record<string, unknown> }>('READ', cypher(statement), {
      ...params,
      ...bounds(filter),
      after,
      limit,
    });
    return rows.map((row) => findingRecord(row.finding));
  }
}

function bounds(filter: Omit<FindingFilter, 'user'>) {
  return { learning: filter.learning ?? null, since: filter.since ?? EARLIEST, until: filter.until ?? LATEST };
}

function findingRecord(props: Record<string, unknown>): FindingRecord {
  const id = String(props.id);
  const testKind = props.testKind === 'p-value' || props.testKind === 'fact' ? props.testKind : null;
  return {
    id,
    indicatorId: stringOr(props.indicatorId, ''),
    family: stringOr(props.family, null),
    title: stringOr(props.title, null),
    user: stringOr(props.user, ''),
    sessionId: stringOr(props.sessionId, null),
    at: finiteOr(props.at, 0),
    evaluatedAt: finiteOr(props.evaluatedAt, null),
    learning: props.learning === true,
    anchorScore: finiteOr(props.anchorScore, 0),
    testKind,
    pValue: finiteOr(props.pValue, null),
    fact: stringOr(props.fact, null),
    reason: stringOr(props.reason, ''),
    evidenceJson: props.evidence ?? null,
    eventIds: strings(props.eventIds),
  };
}
