// Migration 004: the analysis settings administrators change through the API: one settings
// node (mode, version counter), one override node per configured indicator, and one node per
// threat-intelligence entry (lists of 100k entries stay pageable through the (kind, value)
// index the uniqueness constraint brings).
// inputs: none. outputs: none. Statements are separated by a line ending in ';'.
CREATE CONSTRAINT analysis_settings_id IF NOT EXISTS FOR (n:AnalysisSettings) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT indicator_override_indicator IF NOT EXISTS FOR (n:IndicatorOverride) REQUIRE n.indicator IS UNIQUE;
CREATE CONSTRAINT threat_intel_entry_kind_value IF NOT EXISTS FOR (n:ThreatIntelEntry) REQUIRE (n.kind, n.value) IS UNIQUE;
