// Stamps each of several users' ACCESSED edges with the share of the user's peer group that
// accessed the same entity when the active build was made (GROUP_ACCESSED members / group
// size), and the build it came from: the peer-count term of attack-path hop costs, read off the
// edge instead of through the group at query time. The user's peer group is the one the
// analysis step reads (its rank-1 behaviour group, else its most-degree rank-1 group). An edge
// stamped by another build, or created since, counts as unknown until the next build stamps it.
// inputs: $users [string] (user keys), $buildId (string: the active build). outputs: edges (int).
UNWIND $users AS id
MATCH (u:User {id: id})
CALL (u) {
  MATCH (u)-[m:MEMBER_OF]->(g:PeerGroup)
  WHERE g.active = true AND coalesce(m.rank, 1) = 1 AND g.size > 0
  RETURN g
  ORDER BY CASE WHEN g.kind = 'behaviour' THEN 0 ELSE 1 END, m.degree DESC, g.id
  LIMIT 1
}
MATCH (u)-[r:ACCESSED]->(e)
OPTIONAL MATCH (g)-[ga:GROUP_ACCESSED]->(e)
SET r.peerShare = toFloat(coalesce(ga.members, 0)) / g.size, r.peerBuild = $buildId
RETURN count(r) AS edges
