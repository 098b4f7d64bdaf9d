// What a peer group's members accessed when the group was built (GROUP_ACCESSED counts).
// inputs: $groupId (string). outputs: type (label), id, members (int).
MATCH (g:PeerGroup {id: $groupId})-[a:GROUP_ACCESSED]->(e)
RETURN head(labels(e)) AS type, e.id AS id, a.members AS members
