// One page of alerts, newest first (ties by id), filtered.
// inputs: $minRank (int 0–3: LOW..CRITICAL), $user (string|null), $statuses [string]|null,
//   $raisedAfter (epoch ms|null), $after {raisedAt, id}|null, $limit (int).
// outputs: alert (map of Alert properties).
MATCH (a:Alert)
WHERE ($user IS NULL OR a.user = $user)
  AND ($statuses IS NULL OR a.status IN $statuses)
  AND ($raisedAfter IS NULL OR a.raisedAt >= $raisedAfter)
  AND coalesce({LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3}[a.severity], 0) >= $minRank
  AND ($after IS NULL OR a.raisedAt < $after.raisedAt OR (a.raisedAt = $after.raisedAt AND a.id < $after.id))
RETURN a {.*} AS alert
ORDER BY a.raisedAt DESC, a.id DESC
LIMIT $limit
