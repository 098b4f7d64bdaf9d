// One page of API keys, newest first (ties by id).
// inputs: $after {createdAt, id}|null, $limit (int). outputs: apiKey (map without hash).
MATCH (k:ApiKey)
WHERE $after IS NULL OR k.createdAt < $after.createdAt OR (k.createdAt = $after.createdAt AND k.id < $after.id)
RETURN k {.id, .name, .role, .createdAt, .createdBy, .revokedAt} AS apiKey
ORDER BY k.createdAt DESC, k.id DESC
LIMIT $limit
