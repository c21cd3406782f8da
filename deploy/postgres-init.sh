#!/bin/sh
# Run once by the postgres image, on an empty data volume: the read model's own role and
# database, apart from Temporal's (whose role is the image's POSTGRES_USER). psql's :'pw'
# quotes the password, whatever it holds.
set -eu
psql -v ON_ERROR_STOP=1 -v pw="$SHAQYRU_DB_PASSWORD" --username "$POSTGRES_USER" --dbname postgres <<'SQL'
CREATE ROLE shaqyru LOGIN PASSWORD :'pw';
CREATE DATABASE shaqyru OWNER shaqyru;
SQL
