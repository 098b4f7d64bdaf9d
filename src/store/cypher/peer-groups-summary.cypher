// One peer group with its members (rank 1 first, by decreasing degree) and the entities its
// members accessed (most shared first), each list cut at its limit.
// inputs: $groupId (string), $memberLimit (int), $entityLimit (int).
// outputs: group (map), members [{user, degree, rank}], entities [{type, id, members}]; no row
//   when there is no such group.
MATCH (g:PeerGroup {id: $groupId})
CALL (g) {
  OPTIONAL MATCH (u:User)-[m:MEMBER_OF]->(g)
  WITH u, m ORDER BY m.rank, m.degree DESC, u.id
  LIMIT $memberLimit
  RETURN collect(CASE WHEN u IS NULL THEN null ELSE {user: u.id, degree: m.degree, rank: m.rank} END) AS members
}
CALL (g) {
  OPTIONAL MATCH (g)-[a:GROUP_ACCESSED]->(e)
  WITH e, a ORDER BY a.members DESC, e.id
  LIMIT $entityLimit
  RETURN collect(CASE WHEN e IS NULL THEN null ELSE {type: head(labels(e)), id: e.id, members: a.members} END) AS entities
}
RETURN g {.*} AS group, members, entities
