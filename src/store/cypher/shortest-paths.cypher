// All shortest paths between two entities over ACCESSED and REPORTS_TO (either direction), at
// most 6 hops (the bound cannot be a parameter), cut to $maxHops; one page in a stable order
// (by the keys along the path).
// inputs: $fromType, $fromKey, $toType, $toKey, $maxHops (int 1–6), $skip (int), $limit (int).
// outputs: nodes [{type, entity}], steps [{relationship, fromType, fromKey, toType, toKey}].
CALL () {
  MATCH (a:User {id: $fromKey}) WHERE $fromType = 'User' RETURN a
  UNION
  MATCH (a:Device {id: $fromKey}) WHERE $fromType = 'Device' RETURN a
  UNION
  MATCH (a:Application {id: $fromKey}) WHERE $fromType = 'Application' RETURN a
  UNION
  MATCH (a:Asset {id: $fromKey}) WHERE $fromType = 'Asset' RETURN a
}
CALL () {
  MATCH (b:User {id: $toKey}) WHERE $toType = 'User' RETURN b
  UNION
  MATCH (b:Device {id: $toKey}) WHERE $toType = 'Device' RETURN b
  UNION
  MATCH (b:Application {id: $toKey}) WHERE $toType = 'Application' RETURN b
  UNION
  MATCH (b:Asset {id: $toKey}) WHERE $toType = 'Asset' RETURN b
}
MATCH p = ALL SHORTEST (a)-[:ACCESSED|REPORTS_TO]-{1,6}(b)
WITH p WHERE length(p) <= $maxHops
WITH p, [x IN nodes(p) | head(labels(x)) + ':' + x.id] AS order
ORDER BY order
SKIP $skip
LIMIT $limit
RETURN [x IN nodes(p) | {type: head(labels(x)), entity: x {.*, profile: null, typicalFeatures: null}}] AS nodes,
       [r IN relationships(p) | {relationship: type(r),
          fromType: head(labels(startNode(r))), fromKey: startNode(r).id,
          toType: head(labels(endNode(r))), toKey: endNode(r).id}] AS steps
