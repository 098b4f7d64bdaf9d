// Take users off a watchlist. A user left on no watchlist loses the property altogether, so only
// watchlisted users carry it (the index of migration 006 holds just them). Unknown users and
// users not on the list are left alone. Locks before reading, as watchlist-add does.
// inputs: $list (string: watchlist name), $users [string] (user keys, distinct).
// outputs: removed (int: users that were on the list).
UNWIND $users AS id
MATCH (u:User {id: id})
WHERE u.watchlists IS NOT NULL
SET u.watchlists = u.watchlists
WITH u, $list IN u.watchlists AS listed, [name IN u.watchlists WHERE name <> $list] AS rest
SET u.watchlists = CASE WHEN size(rest) = 0 THEN null ELSE rest END
RETURN sum(CASE WHEN listed THEN 1 ELSE 0 END) AS removed
