// Who uses each of these devices: the device's dominant user (most ACCESSED events; ties by
// user id), their event count, every user's events together and how many users there are. The
// analysis learns primary-device ownership from this (the other-users-device indicator).
// inputs: $hosts [string]. outputs: host, owner, ownerCount, total, users.
UNWIND $hosts AS host
MATCH (d:Device {id: host})<-[r:ACCESSED]-(u:User)
WITH host, u.id AS user, r.count AS count
ORDER BY host, count DESC, user
WITH host, collect({user: user, count: count}) AS rows, sum(count) AS total
RETURN host, rows[0].user AS owner, rows[0].count AS ownerCount, total, size(rows) AS users
