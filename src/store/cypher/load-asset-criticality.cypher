// Criticality multipliers administrators set: of the assets among $assets, or of every rated
// asset when $assets is null (the pipeline reads them all at once: they are few, and the index
// on Asset.criticality holds only rated assets, so this never scans the other assets).
// inputs: $assets [string] | null. outputs: asset, criticality (float).
MATCH (a:Asset)
WHERE a.criticality IS NOT NULL AND ($assets IS NULL OR a.id IN $assets)
RETURN a.id AS asset, toFloat(a.criticality) AS criticality
