// The active peer groups of each of several users: the user's own group (rank 1) first, then
// the runner-up (rank 2), each with its degree of membership.
// inputs: $ids [string] (user keys). outputs: userId (string), group (map), degree (float),
//   rank (int|null).
UNWIND $ids AS id
MATCH (:User {id: id})-[m:MEMBER_OF]->(g:PeerGroup)
WHERE g.active = true
RETURN id AS userId, g {.*} AS group, coalesce(m.degree, 0.0) AS degree, m.rank AS rank
ORDER BY userId, coalesce(m.rank, 1), degree DESC, g.id
