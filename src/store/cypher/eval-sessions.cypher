// Every scored session (score > 0) with its user and start, for user-day rankings.
// inputs: none. outputs: user, start (epoch ms), score (float).
MATCH (s:Session)
WHERE s.score > 0
RETURN s.user AS user, s.start AS start, s.score AS score
