// One page of the assets with a criticality, most critical first, ties by key. The hint makes
// the scan read the rated assets only (index of migration 006), never every Asset.
// inputs: $after ({criticality, id}: the last asset of the previous page, or null), $limit (int).
// outputs: asset (map of Asset properties), in page order.
MATCH (a:Asset)
USING INDEX a:Asset(criticality)
WHERE a.criticality IS NOT NULL
  AND ($after IS NULL OR a.criticality < $after.criticality
       OR (a.criticality = $after.criticality AND a.id > $after.id))
RETURN a {.*} AS asset
ORDER BY a.criticality DESC, a.id
LIMIT $limit
