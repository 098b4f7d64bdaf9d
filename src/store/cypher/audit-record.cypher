// Append entries to the audit trail. MERGE on the id, not CREATE: ids derived from the entry
// (the step-down audit hashes user, computed-at and flag) recur when a batch or a re-scoring
// is applied again, and the same entry must then stay one entry, not fail the batch on the
// unique constraint. An existing entry is left as it was.
// inputs: $rows [{id, at (epoch ms), actor, action, target|null, outcome, details (JSON string)}].
// outputs: none.
UNWIND $rows AS row
MERGE (e:AuditEntry {id: row.id})
  ON CREATE SET e.at = row.at, e.actor = row.actor, e.action = row.action,
                e.target = row.target, e.outcome = row.outcome, e.details = row.details
