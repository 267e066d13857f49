SET lock_timeout = '2s';

-- argomig:ignore sql-index-not-concurent -- orders is a 200-row table in this service
CREATE INDEX orders_status_idx ON orders (status);
