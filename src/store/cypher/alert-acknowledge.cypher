// Acknowledge an alert: OPEN becomes ACKNOWLEDGED; an ACKNOWLEDGED one is left as it is; a
// RESOLVED one is not changed (the caller reports it).
// inputs: $id (string), $by (principal id), $now (epoch ms).
// outputs: alert (map), previousStatus (string); no row when the alert is unknown.
MATCH (a:Alert {id: $id})
WITH a, a.status AS previousStatus
FOREACH (_ IN CASE WHEN previousStatus = 'OPEN' THEN [1] ELSE [] END |
  SET a.status = 'ACKNOWLEDGED', a.acknowledgedAt = $now, a.acknowledgedBy = $by)
RETURN a {.*} AS alert, previousStatus
