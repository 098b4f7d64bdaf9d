// Every asset an administrator rated, with its criticality multiplier. Rated assets are few and
// the index on Asset.criticality holds only them, so this reads just those nodes (an index
// scan), never every asset; the pipeline reads them all at once and keeps them for the context TTL.
// inputs: none. outputs: asset, criticality (float).
MATCH (a:Asset)
WHERE a.criticality IS NOT NULL
RETURN a.id AS asset, toFloat(a.criticality) AS criticality
