// Users' new risk scores, with their explanation; a RiskSnapshot when the change is worth
// keeping in the history, holding the same explanation (so the risk as of any instant can be
// explained from what was stored then, not recomputed) and when it was recorded (wall clock,
// which orders snapshots of the same data time: a re-scoring recomputes at the same instant).
// The step-down-access flag follows the policy: set while the user's risk is CRITICAL (since
// when it was first set), cleared when it falls below.
// inputs: $rows [{user, score, level, peak, updatedAt, explanation (JSON string),
//   snapshot {at, score, level, previousScore, reasons [string], recordedAt}|null}]. outputs: none.
CYPHER replan=skip
UNWIND $rows AS row
MATCH (u:User {id: row.user})
SET u.riskScore = toFloat(row.score),
    u.riskLevel = row.level,
    u.peakRiskScore = toFloat(row.peak),
    u.riskUpdatedAt = row.updatedAt,
    u.riskExplanation = row.explanation,
    u.stepDownAccess = row.level = 'CRITICAL',
    u.stepDownSince = CASE WHEN row.level = 'CRITICAL' THEN coalesce(u.stepDownSince, row.updatedAt) ELSE null END
WITH u, row
WHERE row.snapshot IS NOT NULL
CREATE (u)-[:HAD_RISK]->(:RiskSnapshot {user: row.user, at: row.snapshot.at, score: toFloat(row.snapshot.score),
  level: row.snapshot.level, previousScore: toFloat(row.snapshot.previousScore), reasons: row.snapshot.reasons,
  recordedAt: row.snapshot.recordedAt, explanation: row.explanation})
