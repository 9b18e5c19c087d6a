#!/bin/sh
# setup-schema.sh creates Temporal's two PostgreSQL databases and brings their
# schemas to the version shipped with this admin-tools image (the embedded
# schemas of temporal-sql-tool). Every step is idempotent: on an existing
# database it does nothing, after an image upgrade it applies the new versions.
#
# Connection settings come from the environment read by temporal-sql-tool:
# SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD; the database names are
# those the server reads (DBNAME, VISIBILITY_DBNAME).
set -eu

setup() { # setup DATABASE SCHEMA
	echo "setup-schema: database $1, schema $2"
	temporal-sql-tool --db "$1" create-database
	temporal-sql-tool --db "$1" setup-schema -v 0.0
	temporal-sql-tool --db "$1" update-schema --schema-name "$2"
}

setup "${DBNAME:-temporal}" postgresql/v12/temporal
setup "${VISIBILITY_DBNAME:-temporal_visibility}" postgresql/v12/visibility
echo "setup-schema: done"
