// Clear an asset's criticality (fusion treats it as 1 again). An unknown asset is not created.
// Locks before reading `previous`, as asset-criticality-set does.
// inputs: $id (string: asset key).
// outputs: asset (map of Asset properties), previous (float|null); no row when the asset is unknown.
MATCH (a:Asset {id: $id})
SET a.criticality = a.criticality
WITH a, a.criticality AS previous
REMOVE a.criticality
RETURN a {.*} AS asset, previous
