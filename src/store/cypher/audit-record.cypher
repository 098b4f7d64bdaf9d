// Append entries to the audit trail.
// inputs: $rows [{id, at (epoch ms), actor, action, target|null, outcome, details (JSON string)}].
// outputs: none.
UNWIND $rows AS row
CREATE (:AuditEntry {id: row.id, at: row.at, actor: row.actor, action: row.action,
                     target: row.target, outcome: row.outcome, details: row.details})
