#!/bin/sh
# setup.sh FIXTURES FILE - db/V1__create_orders.sql as merged at HEAD,
# then FILE (bad.sql: an edit; good.sql: CRLF line endings and a blank
# line, which Flyway's checksum ignores) over it, uncommitted.
set -eu
git init -q -b main .
mkdir db
cat >db/V1__create_orders.sql <<'EOF'
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    total numeric(10, 2) NOT NULL
);
EOF
git add -A
git -c user.name=fixture -c user.email=fixture@example.com commit -qm base
cp "$1/$2" db/V1__create_orders.sql
