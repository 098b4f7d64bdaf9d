// How many threat-intelligence entries of one kind are listed. `t.value IS NOT NULL` lets the
// planner count through the (kind, value) index instead of scanning every entry of both kinds.
// inputs: $kind ('IP' | 'DOMAIN'). outputs: total (int).
MATCH (t:ThreatIntelEntry)
WHERE t.kind = $kind AND t.value IS NOT NULL
RETURN count(t) AS total
