// Memberships of a build's groups. Behaviour groups get rank 1 (own group) and rank 2 (the
// runner-up) edges, HR groups rank 1 with degree 1.
// inputs: $rows [{group (PeerGroup id), user, degree (float in [0,1]), rank (1|2)}]. outputs: none.
UNWIND $rows AS row
MATCH (g:PeerGroup {id: row.group})
MATCH (u:User {id: row.user})
CREATE (u)-[:MEMBER_OF {degree: toFloat(row.degree), rank: row.rank}]->(g)
