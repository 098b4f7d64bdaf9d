// Record one change of the analysis settings: apply $changes to the settings node and increment
// its version. Run in the same transaction as the change itself, so the version moves exactly
// when the settings do. The settings node is write-locked (SET s._lock) before its version is
// read, so concurrent changes from several instances cannot both write the same version (the
// lost-update pattern of the Cypher manual's "Concurrent data access").
// inputs: $changes (map: mode and/or disabledFamilies; a null value removes the setting),
//   $threatIntel (boolean: the change touches the threat-intelligence lists), $by (principal id),
//   $now (epoch ms).
// outputs: settings (map, as settings-read).
MERGE (s:AnalysisSettings {id: 'analysis'})
  ON CREATE SET s.version = 0, s.epoch = randomUUID()
SET s._lock = true
WITH s, coalesce(s.version, 0) + 1 AS version
SET s += $changes,
    s.version = version,
    s.threatIntelVersion = CASE WHEN $threatIntel THEN version ELSE s.threatIntelVersion END,
    s.updatedAt = $now,
    s.updatedBy = $by
REMOVE s._lock
RETURN s {.version, .epoch, .threatIntelVersion, .mode, .disabledFamilies, .updatedAt, .updatedBy} AS settings
