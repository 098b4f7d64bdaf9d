// One page of the members of each of several peer groups: own members (rank 1) before
// runner-up memberships (rank 2), each by decreasing degree, ties by user key.
// inputs: $groups [string], $after {rank, degree, id}|null, $limit (int).
// outputs: groupId (string), members [{user, degree, rank}] (in page order).
UNWIND $groups AS groupId
CALL (groupId) {
  MATCH (u:User)-[m:MEMBER_OF]->(:PeerGroup {id: groupId})
  WITH u, coalesce(m.degree, 0.0) AS degree, coalesce(m.rank, 1) AS rank
  WHERE $after IS NULL OR rank > $after.rank
     OR (rank = $after.rank AND (degree < $after.degree OR (degree = $after.degree AND u.id > $after.id)))
  WITH u, degree, rank ORDER BY rank, degree DESC, u.id LIMIT $limit
  RETURN collect({user: u {.*, profile: null, typicalFeatures: null}, degree: degree, rank: rank}) AS members
}
RETURN groupId, members
