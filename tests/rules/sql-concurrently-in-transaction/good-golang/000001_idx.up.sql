CREATE INDEX CONCURRENTLY orders_d_idx ON orders (d);
