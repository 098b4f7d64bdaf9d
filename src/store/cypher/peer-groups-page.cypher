// One page of the active peer groups (those of the build in use), by id, optionally of one kind.
// inputs: $kind (string|null), $after (string|null: the last id of the previous page), $limit (int).
// outputs: group (map of PeerGroup properties).
MATCH (g:PeerGroup)
WHERE g.active = true
  AND ($kind IS NULL OR g.kind = $kind)
  AND ($after IS NULL OR g.id > $after)
RETURN g {.*} AS group
ORDER BY g.id
LIMIT $limit
