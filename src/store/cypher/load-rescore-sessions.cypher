// Closed sessions of users that ended at or after $since and hold findings, with those
// findings, for re-scoring them in a changed context (an HR status change dated back).
// inputs: $users [string], $since (epoch ms). outputs: user, sessionId, endedAt (epoch ms),
//   anomalies [anomaly maps].
UNWIND $users AS id
MATCH (s:Session)-[:OF]->(:User {id: id})
WHERE s.status = 'CLOSED' AND coalesce(s.end, s.lastTs) >= $since AND s.anomalyCount > 0
MATCH (a:Anomaly)-[:IN]->(s)
RETURN id AS user, s.id AS sessionId, coalesce(s.end, s.lastTs) AS endedAt, collect(a {.*}) AS anomalies
