// A subscription scope (Subscription.alertRaised/riskScoreChanged filter.near): the entities
// within 1 hop(s) of a start entity over ACCESSED and REPORTS_TO (either direction), the graph
// Entity.neighbors walks, as walk levels: level k holds the nodes one hop from level k-1 (the
// start is level 0), so a node's distance is the first level it appears in (the repository
// works it out). Each level is a DISTINCT ... LIMIT subquery, which stops expanding once $limit
// distinct nodes are found: the work is bounded by $limit nodes per level, not by the number of
// paths, and a level that reaches $limit proves the scope larger than $limit - 1 (all its nodes
// lie within the bound). Measured 2.5-5x faster than one ANY SHORTEST walk with a LIMIT, which
// does not stop early. The hop bound fixes the number of subqueries, so each depth has its own
// statement (scope-members-depth-1/2/3).
// inputs: $type, $key (the start entity), $limit (int: nodes per level at most; ask one more than allowed).
// outputs: one row, levels [[[type, key]]] (level 0 is the start); no row: the start entity does not exist.
CALL () {
  MATCH (n:User {id: $key}) WHERE $type = 'User' RETURN n
  UNION
  MATCH (n:Device {id: $key}) WHERE $type = 'Device' RETURN n
  UNION
  MATCH (n:Application {id: $key}) WHERE $type = 'Application' RETURN n
  UNION
  MATCH (n:Asset {id: $key}) WHERE $type = 'Asset' RETURN n
}
CALL (n) { MATCH (n)-[:ACCESSED|REPORTS_TO]-(m) WITH DISTINCT m LIMIT $limit RETURN collect(m) AS l1 }
RETURN [[[head(labels(n)), n.id]], [x IN l1 | [head(labels(x)), x.id]]] AS levels
