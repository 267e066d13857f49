SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY orders_b_idx ON orders (b);
