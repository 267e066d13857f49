#!/bin/sh
# setup.sh FIXTURES FILE - at HEAD: db/V1__create_orders.sql and
# app/orders.go, which reads orders.note. FILE is added uncommitted as
# db/V2__contract_orders.sql (bad.sql drops note, good.sql drops a
# column no code names).
set -eu
git init -q -b main .
mkdir db app
cat >db/V1__create_orders.sql <<'EOF'
CREATE TABLE orders (id bigint PRIMARY KEY, note text, legacy_flag boolean);
EOF
cat >app/orders.go <<'EOF'
package app

// Notes lists the notes of the orders.
const notesQuery = `SELECT id, note FROM orders`
EOF
git add -A
git -c user.name=fixture -c user.email=fixture@example.com commit -qm base
cp "$1/$2" db/V2__contract_orders.sql
