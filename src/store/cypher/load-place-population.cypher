// How common each country and city is in the population: users seen in it (User.countries,
// User.cities), and users seen in any country at all (kind 'total'). Read for the
// population-informed novelty prior of new-country and new-city, cached by the analysis step.
// inputs: none. outputs: kind ('country'|'city'|'total'), place (string), users (int).
MATCH (u:User)
WHERE u.countries IS NOT NULL
RETURN 'total' AS kind, '' AS place, count(u) AS users
UNION ALL
MATCH (u:User)
WHERE u.countries IS NOT NULL
UNWIND u.countries AS place
RETURN 'country' AS kind, place, count(*) AS users
UNION ALL
MATCH (u:User)
WHERE u.cities IS NOT NULL
UNWIND u.cities AS place
RETURN 'city' AS kind, place, count(*) AS users
