// What a group's members accessed: (:PeerGroup)-[:GROUP_ACCESSED {members}]->(entity), with the
// number of rank-1 members who accessed the entity when the build was made.
// inputs: $rows [{group (PeerGroup id), type ('Device'|'Application'|'Asset'), id, members (int)}].
// outputs: none.
UNWIND $rows AS row
MATCH (g:PeerGroup {id: row.group})
CALL (row) {
  WITH row WHERE row.type = 'Device'
  MATCH (e:Device {id: row.id}) RETURN e
  UNION
  WITH row WHERE row.type = 'Application'
  MATCH (e:Application {id: row.id}) RETURN e
  UNION
  WITH row WHERE row.type = 'Asset'
  MATCH (e:Asset {id: row.id}) RETURN e
}
CREATE (g)-[:GROUP_ACCESSED {members: row.members}]->(e)
