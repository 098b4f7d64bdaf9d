// Revoke an API key (keeping the first revocation time).
// inputs: $id (string), $now (epoch ms). outputs: apiKey (map without hash), hash; no row when unknown.
MATCH (k:ApiKey {id: $id})
SET k.revokedAt = coalesce(k.revokedAt, $now)
RETURN k {.id, .name, .role, .createdAt, .createdBy, .revokedAt} AS apiKey, k.hash AS hash
