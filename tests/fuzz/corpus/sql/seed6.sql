SET lock_timeout = '2s';
-- the old index is unused
DROP INDEX IF EXISTS orders_old_idx;
