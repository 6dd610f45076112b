-- The rule trail of a record moves into its cleaned row: one jsonb array per record,
-- [[rule, field, before, after], ...] in the order the rules ran, instead of one rule_trail row per
-- rule. A run wrote ~4.4 trail rows per record (5.3M at 1.2M records), each a tuple, a primary-key
-- entry and a WAL record of its own; the trail is written and reverted with the cleaned values it
-- explains, so it now travels with them. `rule_trail` stays as a view with its old columns (one
-- row per rule, seq from 1), so what read it still reads it.
ALTER TABLE record_cleaned ADD COLUMN trail jsonb NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(trail) = 'array');

UPDATE record_cleaned c
SET trail = t.steps
FROM (SELECT run_id, record_id,
             jsonb_agg(jsonb_build_array(rule, field, before, after) ORDER BY seq) AS steps
      FROM rule_trail GROUP BY run_id, record_id) t
WHERE c.run_id = t.run_id AND c.record_id = t.record_id;

DROP TABLE rule_trail;

CREATE VIEW rule_trail AS
SELECT c.run_id, c.record_id, s.seq::smallint AS seq,
       s.step ->> 0 AS rule, s.step ->> 1 AS field, s.step ->> 2 AS before, s.step ->> 3 AS after
FROM record_cleaned c
CROSS JOIN LATERAL jsonb_array_elements(c.trail) WITH ORDINALITY AS s (step, seq);
