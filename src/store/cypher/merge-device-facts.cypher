// Facts about devices that come without a user (malware detections).
// inputs: $rows [{host, malwareAt (epoch ms), signature}]. outputs: none.
CYPHER replan=skip
UNWIND $rows AS row
MERGE (d:Device {id: row.host})
SET d.malwareSignature = CASE WHEN d.malwareAt IS NULL OR row.malwareAt > d.malwareAt THEN row.signature ELSE d.malwareSignature END,
    d.malwareAt = CASE WHEN d.malwareAt IS NULL OR row.malwareAt > d.malwareAt THEN row.malwareAt ELSE d.malwareAt END
