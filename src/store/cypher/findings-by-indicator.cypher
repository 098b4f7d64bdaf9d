// One page of the findings of one indicator across all users, newest first (ties by id
// descending), seeking the (indicatorId, at) index.
// inputs: $indicatorId (string), $learning (bool|null), $since (epoch ms, inclusive), $until
//   (epoch ms, exclusive), $after {at, id}|null, $limit (int).
// outputs: finding (map of Anomaly properties), one row per finding, in page order.
MATCH (a:Anomaly)
WHERE a.indicatorId = $indicatorId AND a.at >= $since AND a.at < $until
  AND ($learning IS NULL OR coalesce(a.learning, false) = $learning)
  AND ($after IS NULL OR a.at < $after.at OR (a.at = $after.at AND a.id < $after.id))
RETURN a {.*} AS finding
ORDER BY a.at DESC, a.id DESC
LIMIT $limit
