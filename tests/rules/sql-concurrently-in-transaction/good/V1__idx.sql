-- alone in its file: Flyway runs it outside a transaction
CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);
