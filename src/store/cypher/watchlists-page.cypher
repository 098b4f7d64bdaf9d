// One page of the watchlists by name, with their sizes. Names are gathered from the
// watchlisted users alone (index scan, migration 006): tens to thousands of users, not all.
// inputs: $after (string: the last name of the previous page, '' for the first page), $limit (int).
// outputs: name (string), size (int: members), in page order.
MATCH (u:User)
USING INDEX u:User(watchlists)
WHERE u.watchlists IS NOT NULL
UNWIND u.watchlists AS name
WITH name, count(*) AS size
WHERE name > $after
RETURN name, size
ORDER BY name
LIMIT $limit
