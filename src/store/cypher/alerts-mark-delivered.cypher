// Alerts delivered to live subscribers.
// inputs: $ids [string]. outputs: none.
UNWIND $ids AS id
MATCH (a:Alert {id: id})
SET a.delivered = true
