// Remove one indicator's override (it falls back to the file configuration and the built-in values).
// inputs: $indicator (id). outputs: removed (int: 0 or 1).
OPTIONAL MATCH (o:IndicatorOverride {indicator: $indicator})
WITH o, CASE WHEN o IS NULL THEN 0 ELSE 1 END AS removed
DELETE o
RETURN removed
