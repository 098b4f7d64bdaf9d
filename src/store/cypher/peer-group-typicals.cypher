// Typical session values (profile checkpoints) of a peer group's own members (rank 1).
// inputs: $groupId (string). outputs: user, typical (JSON string).
MATCH (u:User)-[m:MEMBER_OF]->(:PeerGroup {id: $groupId})
WHERE coalesce(m.rank, 1) = 1 AND u.typicalFeatures IS NOT NULL
RETURN u.id AS user, u.typicalFeatures AS typical
