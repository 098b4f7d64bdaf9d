// One page of all findings, newest first (ties by id descending), read in the order of the
// (at) index.
// inputs: $learning (bool|null), $since (epoch ms, inclusive), $until (epoch ms, exclusive),
//   $after {at, id}|null, $limit (int).
// outputs: finding (map of Anomaly properties), one row per finding, in page order.
MATCH (a:Anomaly)
WHERE a.at >= $since AND a.at < $until
  AND ($learning IS NULL OR coalesce(a.learning, false) = $learning)
  AND ($after IS NULL OR a.at < $after.at OR (a.at = $after.at AND a.id < $after.id))
RETURN a {.*} AS finding
ORDER BY a.at DESC, a.id DESC
LIMIT $limit
