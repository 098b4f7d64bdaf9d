// One page of the findings of each of several users, newest first (ties by id descending).
// Seeks the (user, at) index: the time bounds are always given, so the range applies to the
// index's second property.
// inputs: $users [string], $indicatorId (string|null), $learning (bool|null), $since (epoch ms,
//   inclusive), $until (epoch ms, exclusive), $after {at, id}|null (the same cursor for every
//   user), $limit (int).
// outputs: userId (string), findings [map of Anomaly properties] (in page order).
UNWIND $users AS userId
CALL (userId) {
  MATCH (a:Anomaly)
  WHERE a.user = userId AND a.at >= $since AND a.at < $until
    AND ($indicatorId IS NULL OR a.indicatorId = $indicatorId)
    AND ($learning IS NULL OR coalesce(a.learning, false) = $learning)
    AND ($after IS NULL OR a.at < $after.at OR (a.at = $after.at AND a.id < $after.id))
  WITH a ORDER BY a.at DESC, a.id DESC LIMIT $limit
  RETURN collect(a {.*}) AS findings
}
RETURN userId, findings
