// Peer groups by id.
// inputs: $ids [string]. outputs: group (map of PeerGroup properties) per id found.
UNWIND $ids AS id
MATCH (g:PeerGroup {id: id})
RETURN g {.*} AS group
