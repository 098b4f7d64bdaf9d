// Set an asset's criticality: the multiplier fusion applies to findings on it (1 = normal).
// An asset the graph has not seen yet is created as a host (kind 'host', as merge-access-asset
// creates hosts), so a rating can precede the asset's first event. Stored as a FLOAT whatever
// the parameter's type (whole numbers arrive as INTEGER, see executor.ts).
// `SET a.criticality = a.criticality` reads the property it writes, so Neo4j takes the node's
// write lock before reading it (its lost-update rule): `previous` is the value this change
// replaced even when two administrators rate the same asset at once.
// inputs: $id (string: asset key), $criticality (number, 0.1–10, checked by the caller).
// outputs: asset (map of Asset properties), previous (float|null), created (boolean).
OPTIONAL MATCH (known:Asset {id: $id})
WITH known IS NULL AS created
MERGE (a:Asset {id: $id})
ON CREATE SET a.kind = 'host'
SET a.criticality = a.criticality
WITH a, created, a.criticality AS previous
SET a.criticality = toFloat($criticality)
RETURN a {.*} AS asset, previous, created
