-- Same faster key functions as dancu/011 (used by `de06 cleanse link` scratch schemas).
CREATE OR REPLACE FUNCTION de06_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT btrim(regexp_replace(regexp_replace(
           lower(translate(normalize(t, NFD), 'đĐÐð', 'dDDd')),
           '[^a-z0-9[:space:]_,-]', '', 'g'), '[[:space:]_,-]+', ' ', 'g'))
$$;
CREATE OR REPLACE FUNCTION de06_last_token(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT reverse(split_part(reverse(public.de06_fold(t)), ' ', 1)) $$;

-- Name-key term frequencies of the population, computed once per run (shared by its partitions).
ALTER TABLE cleanse_run ADD COLUMN tf jsonb;
