SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY orders_d_idx ON orders (d);
