// Entities within 1 hop(s) of a start entity over ACCESSED and REPORTS_TO (either direction),
// nearest first, then by type and key; one page. The hop bound cannot be a parameter in
// Cypher, so each depth has its own statement (neighbors-depth-1/2/3).
// inputs: $type, $key (the start entity), $types [string]|null (labels to keep),
//   $after {distance, type, key}|null (the cursor), $limit (int).
// outputs: type (string), entity (map), distance (int), access (map of ACCESSED props|null).
CALL () {
  MATCH (n:User {id: $key}) WHERE $type = 'User' RETURN n
  UNION
  MATCH (n:Device {id: $key}) WHERE $type = 'Device' RETURN n
  UNION
  MATCH (n:Application {id: $key}) WHERE $type = 'Application' RETURN n
  UNION
  MATCH (n:Asset {id: $key}) WHERE $type = 'Asset' RETURN n
}
MATCH p = (n)-[:ACCESSED|REPORTS_TO]-{1,1}(m)
WHERE m <> n
WITH n, m, min(length(p)) AS distance
WITH n, m, distance, head(labels(m)) AS type
WHERE ($types IS NULL OR type IN $types)
  AND ($after IS NULL OR distance > $after.distance
       OR (distance = $after.distance AND (type > $after.type OR (type = $after.type AND m.id > $after.key))))
WITH n, m, distance, type
ORDER BY distance, type, m.id
LIMIT $limit
OPTIONAL MATCH (n)-[r:ACCESSED]-(m)
RETURN type, m {.*, profile: null, typicalFeatures: null} AS entity, distance, CASE WHEN r IS NULL THEN null ELSE r {.*} END AS access
ORDER BY distance, type, entity.id
