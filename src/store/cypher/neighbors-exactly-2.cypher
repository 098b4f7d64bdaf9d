// Entities exactly 2 hops from a start entity over ACCESSED and REPORTS_TO (either direction):
// reachable in two hops and not in one. By type and key; one page. The depth-2 read runs
// neighbors-depth-1 first and this only when the page is not full: most pages of a busy
// user are filled by direct neighbours, and the second hop (through shared assets) can reach
// most of the graph.
// inputs: $type, $key (the start entity), $types [string]|null (labels to keep),
//   $after {type, key}|null (the cursor within distance 2), $limit (int).
// outputs: type (string), entity (map), distance (int, 2), access (null).
CALL () {
  MATCH (n:User {id: $key}) WHERE $type = 'User' RETURN n
  UNION
  MATCH (n:Device {id: $key}) WHERE $type = 'Device' RETURN n
  UNION
  MATCH (n:Application {id: $key}) WHERE $type = 'Application' RETURN n
  UNION
  MATCH (n:Asset {id: $key}) WHERE $type = 'Asset' RETURN n
}
MATCH (n)-[:ACCESSED|REPORTS_TO]-(x)-[:ACCESSED|REPORTS_TO]-(m)
WHERE m <> n AND x <> m
WITH DISTINCT n, m, head(labels(m)) AS type
WHERE ($types IS NULL OR type IN $types)
  AND ($after IS NULL OR type > $after.type OR (type = $after.type AND m.id > $after.key))
  AND NOT EXISTS { (n)-[:ACCESSED|REPORTS_TO]-(m) }
WITH m, type
ORDER BY type, m.id
LIMIT $limit
RETURN type, m {.*, profile: null, typicalFeatures: null} AS entity, 2 AS distance, null AS access
