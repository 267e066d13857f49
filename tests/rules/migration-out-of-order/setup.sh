#!/bin/sh
# setup.sh FIXTURES FILE - db/ at HEAD holds V1, V2 and V3; FILE is
# added uncommitted: bad.sql as V2_1__backfill_status.sql (below V3),
# good.sql as V4__backfill_status.sql.
set -eu
git init -q -b main .
mkdir db
echo 'CREATE TABLE orders (id bigint PRIMARY KEY);' >db/V1__create_orders.sql
echo 'ALTER TABLE orders ADD COLUMN status text;' >db/V2__add_status.sql
echo 'ALTER TABLE orders ADD COLUMN note text;' >db/V3__add_note.sql
git add -A
git -c user.name=fixture -c user.email=fixture@example.com commit -qm base
case $2 in
bad*) cp "$1/$2" db/V2_1__backfill_status.sql ;;
good*) cp "$1/$2" db/V4__backfill_status.sql ;;
esac
