// A user's scored sessions for a what-if replay: those started by $until that ended (their
// last event, for open ones) at or after $from, most recent end first (ties by id), with their
// stored score explanation. A range seek on the (user, start) index over the user's sessions
// started by $until (the end is not indexed), kept to the top $limit.
// inputs: $user (string), $from (epoch ms), $until (epoch ms), $limit (int).
// outputs: sessionId (string), endedAt (epoch ms), score (float), explanation (JSON string).
MATCH (s:Session)
WHERE s.user = $user AND s.start <= $until AND s.explanation IS NOT NULL
WITH s, coalesce(s.end, s.lastTs) AS endedAt
WHERE endedAt >= $from
WITH s, endedAt ORDER BY endedAt DESC, s.id DESC LIMIT $limit
RETURN s.id AS sessionId, endedAt, s.score AS score, s.explanation AS explanation
