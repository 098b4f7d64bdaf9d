// Deletes up to $limit relationships (MEMBER_OF, GROUP_ACCESSED) of one build's groups; run
// until it returns 0, so no transaction holds a whole build's edges.
// inputs: $prefix (string: build id + ':'), $limit (int). outputs: deleted (int).
MATCH (g:PeerGroup)
WHERE g.id STARTS WITH $prefix
MATCH (g)-[r]-()
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted
