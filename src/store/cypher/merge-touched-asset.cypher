// Increments of (:Session)-[:TOUCHED {count}]->(:Asset): the assets a session touched. One
// statement per entity label, as merge-access-asset.
// inputs: $rows [{session, id, count}] sorted by id; sessions and assets already merged. outputs: none.
CYPHER replan=skip
UNWIND $rows AS row
MATCH (s:Session {id: row.session})
MATCH (e:Asset {id: row.id})
MERGE (s)-[t:TOUCHED]->(e)
ON CREATE SET t.count = row.count
ON MATCH SET t.count = t.count + row.count
