// Alerts recorded but not yet delivered (their process stopped between commit and delivery),
// raised before $before, oldest first.
// inputs: $before (epoch ms), $limit (int). outputs: alert (map).
MATCH (a:Alert)
WHERE a.delivered = false AND a.raisedAt < $before
RETURN a {.*} AS alert
ORDER BY a.raisedAt
LIMIT $limit
