#!/bin/sh
# setup.sh FIXTURES FILE - db/ at HEAD holds V1__create_orders.sql and
# the repeatable R__order_totals.sql. Then, uncommitted:
#   bad-deleted.sql: V1 deleted, FILE added as V2__add_status.sql;
#   bad-renamed.sql: V1 renamed to V2__create_orders.sql (FILE: same text);
#   good.sql: the repeatable deleted (allowed), FILE added as V2.
set -eu
git init -q -b main .
mkdir db
cat >db/V1__create_orders.sql <<'EOF'
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10, 2));
EOF
cat >db/R__order_totals.sql <<'EOF'
CREATE OR REPLACE VIEW order_totals AS SELECT sum(total) FROM orders;
EOF
git add -A
git -c user.name=fixture -c user.email=fixture@example.com commit -qm base
case $2 in
bad-deleted.sql)
	rm db/V1__create_orders.sql
	cp "$1/$2" db/V2__add_status.sql ;;
bad-renamed.sql)
	git mv db/V1__create_orders.sql db/V2__create_orders.sql
	cp "$1/$2" db/V2__create_orders.sql ;;
good.sql)
	rm db/R__order_totals.sql
	cp "$1/$2" db/V2__add_status.sql ;;
esac
