// One page of the risk history (RiskSnapshot nodes) of each of several users, newest first;
// snapshots of the same instant by score, then previous score, descending. Seeks the
// (user, at) index.
// inputs: $users [string], $since (epoch ms, inclusive), $after {at, score, previousScore}|null
//   (the same cursor for every user), $limit (int).
// outputs: userId (string), snapshots [{at, score, level, previousScore, reasons}] (in page order).
UNWIND $users AS userId
CALL (userId) {
  MATCH (r:RiskSnapshot)
  WHERE r.user = userId AND r.at >= $since
    AND ($after IS NULL OR r.at < $after.at
      OR (r.at = $after.at AND (r.score < $after.score
        OR (r.score = $after.score AND r.previousScore < $after.previousScore))))
  WITH r ORDER BY r.at DESC, r.score DESC, r.previousScore DESC LIMIT $limit
  RETURN collect(r {.at, .score, .level, .previousScore, .reasons}) AS snapshots
}
RETURN userId, snapshots
