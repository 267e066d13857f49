#!/bin/sh
# gen-sql-corpus.sh DIR [N] - writes N (default 2000) Flyway migration files
# into DIR/db/migration for `make bench`: a realistic mix of CREATE TABLE,
# ALTER TABLE, CREATE INDEX, INSERT, UPDATE, functions and comments, 3 to 12
# statements each (about 4 KB a file). Deterministic (fixed awk seed), not
# committed: the corpus is rebuilt on demand.
set -eu
dir=$1
n=${2:-2000}
out=$dir/db/migration
rm -rf "$out"
mkdir -p "$out"
awk -v n="$n" -v out="$out" '
function pick(a, k) { return a[int(rand() * k) + 1] }
function cols(   s, i, k) {
	k = 4 + int(rand() * 14)
	s = "    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
	for (i = 1; i <= k; i++)
		s = s ",\n    col_" i " " pick(types, ntypes) (rand() < 0.3 ? " NOT NULL" : "") \
		    (rand() < 0.2 ? " DEFAULT " pick(defs, ndefs) : "")
	if (rand() < 0.4)
		s = s ",\n    parent_id bigint REFERENCES t" int(rand() * 500) " (id)"
	return s ",\n    created_at timestamptz NOT NULL DEFAULT now()"
}
function stmt(f, t,   r) {
	r = rand()
	if (r < 0.22)
		printf "-- the %s table holds %s records\nCREATE TABLE IF NOT EXISTS %s (\n%s\n);\n\n", t, t, t, cols() > f
	else if (r < 0.36)
		printf "ALTER TABLE %s ADD COLUMN extra_%d %s%s;\n\n", t, int(rand() * 99), pick(types, ntypes), (rand() < 0.5 ? " DEFAULT " pick(defs, ndefs) : "") > f
	else if (r < 0.48)
		printf "CREATE INDEX CONCURRENTLY IF NOT EXISTS %s_col_%d_idx ON %s (col_%d)%s;\n\n", t, int(rand() * 9), t, int(rand() * 9), (rand() < 0.3 ? " WHERE deleted_at IS NULL" : "") > f
	else if (r < 0.62)
		printf "INSERT INTO %s (name, value, note) VALUES\n    (%s, %d, %s),\n    (%s, %d, %s),\n    (%s, %d, %s);\n\n", t, "\047a" int(rand()*1000) "\047", int(rand()*1000), "\047note\047", "\047b\047", int(rand()*1000), "NULL", "\047c\047", int(rand()*1000), "\047x y z\047" > f
	else if (r < 0.72)
		printf "UPDATE %s SET col_%d = col_%d + 1, updated_at = now()\n WHERE id BETWEEN %d AND %d;\n\n", t, int(rand()*9), int(rand()*9), int(rand()*1000), int(rand()*100000) > f
	else if (r < 0.78)
		printf "ALTER TABLE %s ADD CONSTRAINT %s_fk_%d FOREIGN KEY (parent_id) REFERENCES t%d (id) NOT VALID;\n\n", t, t, int(rand()*99), int(rand()*500) > f
	else if (r < 0.84)
		printf "/* keep the lock short */\nSET lock_timeout = \0472s\047;\n\n" > f
	else if (r < 0.90)
		printf "CREATE OR REPLACE FUNCTION %s_touch() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n    NEW.updated_at := now();\n    RETURN NEW;\nEND;\n$$;\n\n", t > f
	else if (r < 0.95)
		printf "COMMENT ON TABLE %s IS \047%s data, see docs/%s.md\047;\n\n", t, t, t > f
	else
		printf "CREATE VIEW %s_recent AS\n    SELECT id, created_at FROM %s\n     WHERE created_at > now() - interval \0477 days\047\n     ORDER BY created_at DESC;\n\n", t, t > f
}
BEGIN {
	srand(42)
	ntypes = split("text bigint integer boolean timestamptz jsonb uuid numeric(12,2) varchar(255) date", types, " ")
	ndefs = split("0 1 \047\047 false true now() \047{}\047::jsonb", defs, " ")
	for (i = 1; i <= n; i++) {
		f = sprintf("%s/V%d__change_%d.sql", out, i, i)
		printf "-- V%d: generated migration %d\n\n", i, i > f
		k = 3 + int(rand() * 10)
		for (j = 0; j < k; j++)
			stmt(f, "t" int(rand() * 500))
		close(f)
	}
}'
