// Saves the fusion step's trigger statistics checkpoint.
// inputs: $state (JSON string), $savedAt (epoch ms). outputs: none.
MERGE (t:TriggerStats {id: 'global'})
SET t.state = $state, t.savedAt = $savedAt
