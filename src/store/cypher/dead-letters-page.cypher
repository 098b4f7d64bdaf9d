// One page of dead letters, newest first (ties by id), optionally from one source.
// inputs: $source (string|null), $after {at, id}|null, $limit (int). outputs: deadLetter (map).
MATCH (d:DeadLetter)
WHERE ($source IS NULL OR d.source = $source)
  AND ($after IS NULL OR d.at < $after.at OR (d.at = $after.at AND d.id < $after.id))
RETURN d {.id, .source, .line, .reason, .raw, .at} AS deadLetter
ORDER BY d.at DESC, d.id DESC
LIMIT $limit
