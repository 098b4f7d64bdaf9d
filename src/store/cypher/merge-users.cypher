// Users seen in a batch, with their activity span and event count, and the countries and cities
// they were seen in (distinct lists, the population's place prior reads them).
// inputs: $rows [{id, first, last, events, countries [string], cities [string]}] (times epoch ms).
// outputs: none.
CYPHER replan=skip
UNWIND $rows AS row
MERGE (u:User {id: row.id})
SET u.firstSeen = CASE WHEN u.firstSeen IS NULL OR row.first < u.firstSeen THEN row.first ELSE u.firstSeen END,
    u.lastSeen = CASE WHEN u.lastSeen IS NULL OR row.last > u.lastSeen THEN row.last ELSE u.lastSeen END,
    u.eventCount = coalesce(u.eventCount, 0) + row.events,
    u.countries = CASE WHEN size(row.countries) = 0 THEN u.countries
                       ELSE reduce(acc = coalesce(u.countries, []), c IN row.countries | CASE WHEN c IN acc THEN acc ELSE acc + c END) END,
    u.cities = CASE WHEN size(row.cities) = 0 THEN u.cities
                    ELSE reduce(acc = coalesce(u.cities, []), c IN row.cities | CASE WHEN c IN acc THEN acc ELSE acc + c END) END
