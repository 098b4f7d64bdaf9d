// Increments of (:Session)-[:TOUCHED {count}]->(:Device): the devices a session touched. One
// statement per entity label, as merge-access-device.
// inputs: $rows [{session, id, count}] sorted by id; sessions and devices already merged. outputs: none.
CYPHER replan=skip
UNWIND $rows AS row
MATCH (s:Session {id: row.session})
MATCH (e:Device {id: row.id})
MERGE (s)-[t:TOUCHED]->(e)
ON CREATE SET t.count = row.count
ON MATCH SET t.count = t.count + row.count
