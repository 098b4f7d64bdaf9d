// Resolve an alert with a verdict (OPEN or ACKNOWLEDGED becomes RESOLVED; resolving again
// replaces the verdict, so an analyst can correct it).
// inputs: $id (string), $resolution (TRUE_POSITIVE|FALSE_POSITIVE|BENIGN), $by, $now (epoch ms).
// outputs: alert (map); no row when the alert is unknown.
MATCH (a:Alert {id: $id})
SET a.status = 'RESOLVED', a.resolution = $resolution, a.resolvedAt = $now, a.resolvedBy = $by
RETURN a {.*} AS alert
