// Criticality multipliers of assets among $assets (those an administrator set).
// inputs: $assets [string]. outputs: asset, criticality (float).
UNWIND $assets AS id
MATCH (a:Asset {id: id})
WHERE a.criticality IS NOT NULL
RETURN a.id AS asset, toFloat(a.criticality) AS criticality
