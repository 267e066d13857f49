-- V5: online index; flyway reads executeInTransaction from V5.sql.conf
CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);
