/**
 * The audit policy of the analysis step: which decisions a batch records in the audit trail
 * (a step-down-access flag flipping, a re-scoring), with deterministic ids so that a replayed
 * batch merges the same entries rather than adding them twice.
 */

import { type BatchAnalysis, type UserAnalysis, type UserContext } from '../analytics/analysis/batch-analysis.ts';
import type { AuditRow } from '../store/analysis.repository.ts';
import { createHash } from 'node:crypto';

/**
 * The step-down-access policy's decisions: a user whose risk becomes CRITICAL is flagged for
 * reduced access (User.stepDownAccess, for identity providers and PAM); the flag clears when the
 * risk falls below. Each flip is audited.
 */
export function stepDownAudit(result: BatchAnalysis, now: number): AuditRow[] {
  const rows: AuditRow[] = [];
  for (const [user, o] of result.users) {
    const was = o.previousLevel === 'CRITICAL';
    const is = o.risk.level === 'CRITICAL';
    if (was === is) continue;
    rows.push({
      id: `audit-stepdown-${createHash('sha256').update(`${user}\u0000${o.risk.computedAt}\u0000${is}`).digest('hex').slice(0, 24)}`,
      at: now,
      actor: 'system:policy',
      action: is ? 'access.step-down' : 'access.restore',
      target: user,
      outcome: 'OK',
      details: JSON.stringify({ previousScore: o.previous, score: o.risk.score, level: o.risk.level, dataTime: new Date(o.risk.computedAt).toISOString() }),
    });
  }
  return rows;
}

/** One audit entry per re-scored user: why, the status in force, what moved. */
export function rescoreAudit(
  rescore: { users: readonly string[]; reason: string; batchId: string; since: number },
  result: BatchAnalysis,
  contexts: ReadonlyMap<string, UserContext>,
  working: ReadonlyMap<string, UserAnalysis>,
  now: number,
): AuditRow[] {
  return rescore.users.map((user) => {
    const risk = result.users.get(user);
    const sessions = [...result.sessions].filter(([, o]) => o.score.userId === user).map(([id, o]) => ({ session: id, score: o.score.score }));
    return {
      id: `audit-rescore-${createHash('sha256').update(`${rescore.batchId}\u0000${user}`).digest('hex').slice(0, 24)}`,
      at: now,
      actor: 'system:scoring',
      action: 'risk.rescore',
      target: user,
      outcome: 'OK',
      details: JSON.stringify({
        reason: rescore.reason,
        since: new Date(rescore.since).toISOString(),
        hrStatus: contexts.get(user)?.hr?.status ?? null,
        sessionsRescored: sessions,
        previousRisk: risk?.previous ?? working.get(user)?.risk.score ?? 0,
        risk: risk?.risk.score ?? working.get(user)?.risk.score ?? 0,
        alerts: result.raise.filter((c) => c.alert.user === user).map((c) => c.alert.id),
      }),
    };
  });
}

