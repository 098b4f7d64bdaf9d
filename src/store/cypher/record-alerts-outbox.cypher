// Alerts a batch raised, recorded in its transaction as undelivered (the outbox): delivery to
// live subscribers follows the commit and marks them delivered; a sweep delivers any left.
// Idempotent on the alert id.
// inputs: $rows [{id, severity, raisedAt, user, session|null, reasons [string], score}]. outputs: none.
UNWIND $rows AS row
MATCH (u:User {id: row.user})
MERGE (a:Alert {id: row.id})
ON CREATE SET a.severity = row.severity, a.status = 'OPEN', a.raisedAt = row.raisedAt,
              a.user = row.user, a.session = row.session, a.reasons = row.reasons,
              a.score = toFloat(row.score), a.delivered = false
MERGE (a)-[:ABOUT]->(u)
WITH a, row
WHERE row.session IS NOT NULL
MATCH (s:Session {id: row.session})
MERGE (a)-[:RAISED_IN]->(s)
