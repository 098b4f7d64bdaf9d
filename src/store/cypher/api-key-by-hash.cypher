// The valid (unrevoked) API key whose secret hashes to $hash.
// inputs: $hash (hex SHA-256). outputs: id, role; no row when none.
MATCH (k:ApiKey {hash: $hash})
WHERE k.revokedAt IS NULL
RETURN k.id AS id, k.role AS role
