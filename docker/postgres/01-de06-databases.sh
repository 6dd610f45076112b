#!/bin/bash
# Runs once, on the first start of the postgres service (docker-entrypoint-initdb.d):
# Airflow's metadata DB, the five system DBs, the simulators' ground truth, and the read-only role
# the pipelines use for the population DB. `de06 db upgrade` (airflow-init) applies the schemas and
# grants; it also creates anything missing here, so both paths agree.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v reader_password="${DE06_READER_PASSWORD:-de06-reader}" <<'SQL'
SELECT 'CREATE DATABASE ' || quote_ident(d) || ' ENCODING ''UTF8'' TEMPLATE template0'
FROM unnest(ARRAY['airflow', 'dancu', 'lltp', 'qp', 'bhxh', 'vneid', 'truth']) AS d
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d)
\gexec
SELECT format('CREATE ROLE de06_reader LOGIN PASSWORD %L', :'reader_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'de06_reader')
\gexec
GRANT CONNECT ON DATABASE dancu TO de06_reader;
SQL
