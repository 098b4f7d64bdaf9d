// Increments of (:Session)-[:TOUCHED {count}]->(:Application): the applications a session touched. One
// statement per entity label, as merge-access-application.
// inputs: $rows [{session, id, count}] sorted by id; sessions and applications already merged. outputs: none.
CYPHER replan=skip
UNWIND $rows AS row
MATCH (s:Session {id: row.session})
MATCH (e:Application {id: row.id})
MERGE (s)-[t:TOUCHED]->(e)
ON CREATE SET t.count = row.count
ON MATCH SET t.count = t.count + row.count
