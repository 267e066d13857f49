SET lock_timeout = '2s';
-- build it online
CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);
