-- Alone in its file: golang-migrate runs a file as one implicit
-- transaction, and CREATE INDEX CONCURRENTLY cannot run inside one.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_sku_key ON items (sku);
