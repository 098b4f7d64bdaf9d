// Record employment status changes (the per-user history), idempotent on the change id (a
// hash of user, status, effective date and last day), so a retried HR push records it once.
// inputs: $rows [{id, userId, status, effectiveDate, lastDay|null}], $by (principal id),
//   $now (epoch ms). outputs: change (map) per row, in input order.
UNWIND $rows AS row
MERGE (u:User {id: row.userId})
MERGE (c:EmploymentChange {id: row.id})
ON CREATE SET c.userId = row.userId, c.status = row.status, c.effectiveDate = row.effectiveDate,
              c.lastDay = row.lastDay, c.recordedAt = $now, c.recordedBy = $by
MERGE (c)-[:FOR]->(u)
RETURN c {.*} AS change
