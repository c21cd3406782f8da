#!/bin/sh
# One-shot, with temporalio/admin-tools: creates Temporal's two databases where missing and
# brings their schemas to this server version's. Safe to run at every start and after
# upgrading the images: each step leaves what is already there.
set -eu
for db in temporal temporal_visibility; do
    sql() { temporal-sql-tool --plugin postgres12 --ep postgresql -p 5432 -u "$POSTGRES_USER" --db "$db" "$@"; }
    sql create
    sql setup-schema -v 0.0
    kind=$([ "$db" = temporal ] && echo temporal || echo visibility)
    sql update-schema -d "/etc/temporal/schema/postgresql/v12/$kind/versioned"
done
