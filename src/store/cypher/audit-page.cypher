// One page of the audit trail, newest first (ties by id).
// inputs: $actor (string|null), $after {at, id}|null, $limit (int). outputs: entry (map).
MATCH (e:AuditEntry)
WHERE ($actor IS NULL OR e.actor = $actor)
  AND ($after IS NULL OR e.at < $after.at OR (e.at = $after.at AND e.id < $after.id))
RETURN e {.*} AS entry
ORDER BY e.at DESC, e.id DESC
LIMIT $limit
