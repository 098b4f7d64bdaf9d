// One page of threat-intelligence entries of one kind, by value. `t.value > $after` with the
// (kind, value) index is a range seek in index order: paging a 100k list never scans it.
// inputs: $kind ('IP' | 'DOMAIN'), $after (string: the last value of the previous page, '' for
//   the first page), $limit (int).
// outputs: entry (map: kind, value, source, addedAt, addedBy).
MATCH (t:ThreatIntelEntry)
WHERE t.kind = $kind AND t.value > $after
RETURN t {.kind, .value, .source, .addedAt, .addedBy} AS entry
ORDER BY t.value
LIMIT $limit
