// Users' new risk scores, with their explanation; a RiskSnapshot when the change is worth
// keeping in the history. The step-down-access flag follows the policy: set while the user's
// risk is CRITICAL (since when it was first set), cleared when it falls below.
// inputs: $rows [{user, score, level, peak, updatedAt, explanation (JSON string),
//   snapshot {at, score, level, previousScore, reasons [string]}|null}]. outputs: none.
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
  level: row.snapshot.level, previousScore: toFloat(row.snapshot.previousScore), reasons: row.snapshot.reasons})
