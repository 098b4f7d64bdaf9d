// A subscription scope (Subscription.alertRaised/riskScoreChanged filter.near): the entities
// within 1 hop(s) of a start entity over ACCESSED and REPORTS_TO (either direction), the graph
// Entity.neighbors walks, each with its distance (the start itself at 0). The caller keeps the
// nodes nearer than the bound (the scope's interior: a new edge at one of them can change the
// scope) and the users (the scope's members). A breadth-first walk (ANY SHORTEST from the one
// bound start), so each node is reached once, at its distance, and LIMIT stops the walk early:
// the work is bounded by $limit nodes, not by the number of paths.
// The hop bound cannot be a parameter in Cypher, so each depth has its own statement (scope-members-depth-1/2/3).
// inputs: $type, $key (the start entity), $limit (int: nodes at most; ask one more than allowed).
// outputs: type (string), key (string), distance (int). No row: the start entity does not exist.
CALL () {
  MATCH (n:User {id: $key}) WHERE $type = 'User' RETURN n
  UNION
  MATCH (n:Device {id: $key}) WHERE $type = 'Device' RETURN n
  UNION
  MATCH (n:Application {id: $key}) WHERE $type = 'Application' RETURN n
  UNION
  MATCH (n:Asset {id: $key}) WHERE $type = 'Asset' RETURN n
}
MATCH p = ANY SHORTEST (n)-[:ACCESSED|REPORTS_TO]-{0,1}(m)
WITH m, length(p) AS distance
LIMIT $limit
RETURN head(labels(m)) AS type, m.id AS key, distance
