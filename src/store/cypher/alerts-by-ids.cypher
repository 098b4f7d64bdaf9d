// Alerts by id.
// inputs: $ids [string]. outputs: alert (map of Alert properties) per id found.
UNWIND $ids AS id
MATCH (a:Alert {id: id})
RETURN a {.*} AS alert
