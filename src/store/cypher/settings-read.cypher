// The analysis settings node: cheap (one unique-index seek), so it doubles as the version poll.
// inputs: none.
// outputs: settings (map: version, epoch, threatIntelVersion, mode, disabledFamilies, updatedAt,
//   updatedBy; absent keys were never set), or null before the first change.
OPTIONAL MATCH (s:AnalysisSettings {id: 'analysis'})
RETURN CASE WHEN s IS NULL THEN null ELSE s {.version, .epoch, .threatIntelVersion, .mode, .disabledFamilies, .updatedAt, .updatedBy} END AS settings
