// Every threat-intelligence entry's value, one row per kind (for the analysis snapshot).
// inputs: none. outputs: kind ('IP' | 'DOMAIN'), values [string].
MATCH (t:ThreatIntelEntry)
RETURN t.kind AS kind, collect(t.value) AS values
