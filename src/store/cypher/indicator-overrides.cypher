// Every stored indicator override.
// inputs: none.
// outputs: override (map: indicator, enabled?, anchorScore?, threshold?, `param.<name>`? per
//   parameter, updatedAt, updatedBy), by indicator id.
MATCH (o:IndicatorOverride)
RETURN properties(o) AS override
ORDER BY o.indicator
