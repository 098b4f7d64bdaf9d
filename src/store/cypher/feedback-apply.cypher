// Feeds analyst verdicts into the fusion step's trigger statistics: the new statistics and the
// marks on the alerts whose verdicts they include are written in one statement (so one
// transaction), so a verdict is never counted twice nor marked without being counted.
// inputs: $state (JSON string), $savedAt (epoch ms), $rows [{id, resolution}]. outputs: none.
MERGE (t:TriggerStats {id: 'global'})
SET t.state = $state, t.savedAt = $savedAt
WITH t
UNWIND $rows AS row
MATCH (a:Alert {id: row.id})
SET a.feedbackApplied = row.resolution
