// Close a partition's idle open sessions, including those no worker holds in memory (same rule
// as sweepSessions in analytics/sessionizer.ts).
// inputs: $partition (int), $lastTsBefore (epoch ms), $touchedBefore (epoch ms|null). outputs: closed (int).
MATCH (s:Session {status: 'OPEN', partition: $partition})
WHERE s.lastTs < $lastTsBefore AND ($touchedBefore IS NULL OR s.touchedAt < $touchedBefore)
SET s.status = 'CLOSED', s.end = s.lastTs, s.closeReason = 'inactivity'
RETURN count(s) AS closed
