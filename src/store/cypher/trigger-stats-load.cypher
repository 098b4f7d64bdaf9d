// The fusion step's trigger statistics checkpoint.
// inputs: none. outputs: state (JSON string), savedAt (epoch ms); no row before the first save.
MATCH (t:TriggerStats {id: 'global'})
RETURN t.state AS state, t.savedAt AS savedAt
