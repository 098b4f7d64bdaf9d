// One page of the members of each of several watchlists, by user key.
// inputs: $lists [string] (watchlist names), $after (string: the last user key of the previous
//   page, '' for the first page), $limit (int).
// outputs: list (string), members [map of User properties] (in page order; the pipeline's
//   profile checkpoint blobs left out, as in users-by-ids). A row for every list asked.
UNWIND $lists AS list
CALL (list) {
  MATCH (u:User)
  USING INDEX u:User(watchlists)
  WHERE u.watchlists IS NOT NULL AND list IN u.watchlists AND u.id > $after
  WITH u ORDER BY u.id LIMIT $limit
  RETURN collect(u {.*, profile: null, typicalFeatures: null}) AS members
}
RETURN list, members
