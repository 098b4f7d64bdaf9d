// How many users are on one watchlist (0 when none: a watchlist exists while it has members).
// The hint scans the watchlisted users only (index of migration 006).
// inputs: $list (string: watchlist name). outputs: size (int).
MATCH (u:User)
USING INDEX u:User(watchlists)
WHERE u.watchlists IS NOT NULL AND $list IN u.watchlists
RETURN count(u) AS size
