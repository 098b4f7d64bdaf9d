// Users by current risk score, highest first, ties by key; a user never scored counts as 0, so
// paging to the end lists every user. One page after the cursor.
// inputs: $after {score, id}|null, $limit (int). outputs: user (map), score (float).
MATCH (u:User)
WITH u, coalesce(u.riskScore, 0.0) AS score
WHERE $after IS NULL OR score < $after.score OR (score = $after.score AND u.id > $after.id)
RETURN u {.*, profile: null, typicalFeatures: null} AS user, score
ORDER BY score DESC, u.id ASC
LIMIT $limit
