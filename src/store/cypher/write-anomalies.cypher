// Findings of a batch as Anomaly nodes, each in its session (written earlier in the same
// transaction). Idempotent on the deterministic id.
// inputs: $rows [{id, sessionId (string|null), props {indicatorId, family, title, user,
//   sessionId, at, evaluatedAt, learning, anchorScore, testKind, pValue, fact, reason,
//   evidence (JSON string), eventIds [string], exfiltration, amplifiers [string]}}]. outputs: none.
CYPHER replan=skip
UNWIND $rows AS row
MERGE (a:Anomaly {id: row.id})
ON CREATE SET a += row.props, a.anchorScore = toFloat(row.props.anchorScore)
WITH a, row
WHERE row.sessionId IS NOT NULL
MATCH (s:Session {id: row.sessionId})
MERGE (a)-[:IN]->(s)
