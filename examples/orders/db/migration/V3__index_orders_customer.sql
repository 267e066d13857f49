-- Lookups by customer. CONCURRENTLY keeps orders writable while the index
-- builds; it cannot run in a transaction, hence the .sql.conf next to
-- this file (executeInTransaction=false).
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx
    ON orders (customer_id);
