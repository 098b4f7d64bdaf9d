// One page of users for the peer-group build: HR attributes, manager, and every ACCESSED edge.
// Keyset pagination on the user id, so pages stay cheap however deep (the User.id uniqueness
// index orders them); pass '' for the first page and the last user id of a page for the next.
// inputs: $after (string), $limit (int). outputs: user (string), department, title,
//   manager (string|null), access [[type ('Device'|'Application'|'Asset'), id, count, bytesIn, bytesOut,
//   hourHist (24 numbers, UTC), dowHist (7 numbers, Monday first)]].
MATCH (u:User)
WHERE u.id > $after
WITH u ORDER BY u.id LIMIT $limit
CALL (u) {
  OPTIONAL MATCH (u)-[:REPORTS_TO]->(m:User)
  RETURN head(collect(m.id)) AS manager
}
CALL (u) {
  OPTIONAL MATCH (u)-[r:ACCESSED]->(e)
  RETURN collect(CASE WHEN e IS NULL THEN null ELSE [head(labels(e)), e.id, r.count, r.bytesIn, r.bytesOut, r.hourHist, r.dowHist] END) AS access
}
RETURN u.id AS user, u.department AS department, u.title AS title, manager, access
ORDER BY user
