// The active peer groups a user belongs to, with the degree and rank of each membership.
// inputs: $userId (string). outputs: group (map of PeerGroup properties), degree (float), rank (int).
MATCH (:User {id: $userId})-[m:MEMBER_OF]->(g:PeerGroup)
WHERE g.active = true
RETURN g {.*} AS group, m.degree AS degree, m.rank AS rank
ORDER BY g.kind, m.rank, g.key
