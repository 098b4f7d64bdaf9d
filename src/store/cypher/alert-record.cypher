// Record a raised alert, idempotent on its id (a retried publish records it once), linked to
// its user and, when known, its session.
// inputs: $alert {id, severity, raisedAt, user, session|null, reasons [string], score}.
// outputs: alert (map), created (boolean: false when it was recorded before).
OPTIONAL MATCH (old:Alert {id: $alert.id})
WITH old IS NULL AS created
MERGE (u:User {id: $alert.user})
MERGE (a:Alert {id: $alert.id})
ON CREATE SET a.severity = $alert.severity, a.status = 'OPEN', a.raisedAt = $alert.raisedAt,
              a.user = $alert.user, a.session = $alert.session, a.reasons = $alert.reasons,
              a.score = $alert.score
MERGE (a)-[:ABOUT]->(u)
WITH a, created
OPTIONAL MATCH (s:Session {id: $alert.session})
FOREACH (_ IN CASE WHEN s IS NULL THEN [] ELSE [1] END | MERGE (a)-[:RAISED_IN]->(s))
RETURN a {.*} AS alert, created
