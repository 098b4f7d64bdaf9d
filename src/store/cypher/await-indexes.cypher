// Wait until every index is online (after migrations created some).
// inputs: none. outputs: none.
CALL db.awaitIndexes(300)
