// The active peer groups, optionally of one kind, largest first.
// inputs: $kind (string|null). outputs: group (map of PeerGroup properties).
MATCH (g:PeerGroup)
WHERE g.active = true AND ($kind IS NULL OR g.kind = $kind)
RETURN g {.*} AS group
ORDER BY g.kind, g.size DESC, g.key
