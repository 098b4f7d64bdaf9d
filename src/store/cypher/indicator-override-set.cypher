// Set fields of one indicator's override, keeping the fields not given (parameters are stored
// as properties named `param.<name>`: node properties cannot hold maps).
// inputs: $indicator (id), $changes (map of enabled, anchorScore, threshold, `param.<name>`),
//   $by (principal id), $now (epoch ms).
// outputs: override (map, as indicator-overrides).
MERGE (o:IndicatorOverride {indicator: $indicator})
SET o += $changes, o.updatedAt = $now, o.updatedBy = $by
RETURN properties(o) AS override
