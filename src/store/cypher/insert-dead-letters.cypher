// Dead letters: input lines an importer rejected. Idempotent on id (a hash of source, line, raw).
// inputs: $rows [{id, source, line, reason, raw, at}]. outputs: none.
UNWIND $rows AS row
MERGE (d:DeadLetter {id: row.id})
ON CREATE SET d.source = row.source, d.line = row.line, d.reason = row.reason, d.raw = row.raw, d.at = row.at
