-- Term frequencies of family-name, middle-name and given-name keys and of residence provinces, from one sample of at most
-- ~200k citizens; the sample is repeatable (same population, same frequencies, same decisions). Rows: (f|m|g|r, key, n) per key, (t, NULL, n) the sample size.
SELECT CASE WHEN GROUPING(f) = 0 THEN 'f' WHEN GROUPING(m) = 0 THEN 'm' WHEN GROUPING(g) = 0 THEN 'g'
            WHEN GROUPING(r) = 0 THEN 'r' ELSE 't' END AS kind,
       COALESCE(f, m, g, r) AS key, count(*) AS n
FROM (SELECT de06_first_token(family_name) AS f, COALESCE(de06_fold(middle_name), '') AS m,
             de06_last_token(given_name) AS g, residence_province::text AS r
      FROM citizen TABLESAMPLE SYSTEM (%(pct)s) REPEATABLE (6)) s
GROUP BY GROUPING SETS ((f), (m), (g), (r), ());
