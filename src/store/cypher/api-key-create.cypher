// Store a new API key: only the SHA-256 hash of its secret.
// inputs: $key {id, name, role, hash, createdAt, createdBy}. outputs: apiKey (map without hash).
CREATE (k:ApiKey)
SET k = $key
RETURN k {.id, .name, .role, .createdAt, .createdBy, .revokedAt} AS apiKey
