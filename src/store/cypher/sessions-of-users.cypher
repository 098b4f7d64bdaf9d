// One page of sessions for each of several users, most recent start first (ties by id).
// inputs: $users [string], $after {start, id}|null (the same cursor for every user),
//   $limit (int). outputs: userId (string), sessions [map, without the score explanation:
//   session-explanations reads that] (in page order).
UNWIND $users AS userId
CALL (userId) {
  MATCH (s:Session {user: userId})
  WHERE $after IS NULL OR s.start < $after.start OR (s.start = $after.start AND s.id < $after.id)
  WITH s ORDER BY s.start DESC, s.id DESC LIMIT $limit
  RETURN collect(s {.*, explanation: null}) AS sessions
}
RETURN userId, sessions
