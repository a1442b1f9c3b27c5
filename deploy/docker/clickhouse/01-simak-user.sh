#!/bin/bash
# Run once by the clickhouse-server image on an empty data folder (/docker-entrypoint-initdb.d):
# creates the pipeline's own user, which may create, read and write tables in the simak database
# and nothing else (no other database, no users or grants, no file/url/s3/remote sources, no
# SYSTEM). The admin named by CLICKHOUSE_USER runs this; the stages never use it.
set -euo pipefail
: "${SIMAK_CLICKHOUSE_PASSWORD:?the password of the pipeline user (CLICKHOUSE_PASSWORD in docker-compose.yml)}"
database="${SIMAK_CLICKHOUSE_DATABASE:-simak}"
# A ClickHouse string literal: backslashes and quotes escaped. Sent on stdin, never as an argument.
password="${SIMAK_CLICKHOUSE_PASSWORD//\\/\\\\}"
password="${password//\'/\\\'}"
clickhouse client --host 127.0.0.1 --user "$CLICKHOUSE_USER" --password "$CLICKHOUSE_PASSWORD" --multiquery <<SQL
CREATE USER IF NOT EXISTS simak IDENTIFIED WITH sha256_password BY '${password}';
GRANT CREATE DATABASE ON \`${database}\`.* TO simak;
GRANT SELECT, INSERT, ALTER, CREATE TABLE, CREATE VIEW, DROP TABLE, DROP VIEW, OPTIMIZE ON \`${database}\`.* TO simak;
SQL
