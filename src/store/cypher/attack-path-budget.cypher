// How much an attack-path search would expand, before it runs: the relationships read two
// hops out from the start (the degrees of its neighbours) and one and two hops in from the
// targets (the targets' degrees, and their neighbours' degrees). Degrees come from the store's
// counts (O(1) for dense nodes), so this reads only the start's and the targets' neighbours.
// inputs: $fromType ('User'|'Device'), $fromKey, $targets [string] (Asset keys).
// outputs: one row {found (boolean: the start exists), start1, start2, target1, target2} (ints), or
//   no row when the start does not exist.
CALL () {
  MATCH (a:User {id: $fromKey}) WHERE $fromType = 'User' RETURN a AS s
  UNION
  MATCH (a:Device {id: $fromKey}) WHERE $fromType = 'Device' RETURN a AS s
}
CALL (s) {
  OPTIONAL MATCH (s)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-(x)
  RETURN count(x) AS start1, sum(COUNT { (x)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-() }) AS start2
}
CALL () {
  OPTIONAL MATCH (t:Asset)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-(y)
  WHERE t.id IN $targets
  RETURN count(y) AS target1, sum(COUNT { (y)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-() }) AS target2
}
RETURN start1, start2, target1, target2
