// How many dead letters, optionally from one source.
// inputs: $source (string|null). outputs: total (int).
MATCH (d:DeadLetter)
WHERE $source IS NULL OR d.source = $source
RETURN count(d) AS total
