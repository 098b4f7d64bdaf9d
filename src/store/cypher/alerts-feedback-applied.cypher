// Marks analyst verdicts as fed back into the trigger statistics.
// inputs: $rows [{id, resolution}]. outputs: none.
UNWIND $rows AS row
MATCH (a:Alert {id: row.id})
SET a.feedbackApplied = row.resolution
