// Sessions whose shadow score (every finding scored, as with mature baselines) reaches the
// alert threshold while their real score stays below it: what enforcement would have raised.
// Newest start first (ties by id descending); seeks the (shadowScore) index.
// inputs: $threshold (float, points), $after {start, id}|null, $limit (int).
// outputs: session (map of Session properties without the explanation), one row per session,
//   in page order.
MATCH (s:Session)
WHERE s.shadowScore >= $threshold AND s.score < $threshold
  AND ($after IS NULL OR s.start < $after.start OR (s.start = $after.start AND s.id < $after.id))
RETURN s {.*, explanation: null} AS session
ORDER BY s.start DESC, s.id DESC
LIMIT $limit
