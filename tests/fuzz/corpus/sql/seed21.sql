-- the old index is unused
DROP INDEX CONCURRENTLY IF EXISTS orders_old_idx;
