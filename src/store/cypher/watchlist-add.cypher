// Put users on a watchlist (fusion's watchlist factor), creating User nodes the graph has not
// seen yet. `User.watchlists` lists the names of the watchlists a user is on, each once; the
// pipeline reads it for every batch (load-user-analysis). The first SET reads the property it
// writes, so the user's write lock is taken before the list is read (as in
// asset-criticality-set): two concurrent changes to one user's lists cannot lose each other.
// inputs: $list (string: watchlist name), $users [string] (user keys, distinct).
// outputs: added (int: users that were not on the list before).
UNWIND $users AS id
MERGE (u:User {id: id})
SET u.watchlists = u.watchlists
WITH u, $list IN coalesce(u.watchlists, []) AS listed
SET u.watchlists = CASE WHEN listed THEN u.watchlists ELSE coalesce(u.watchlists, []) + $list END
RETURN sum(CASE WHEN listed THEN 0 ELSE 1 END) AS added
