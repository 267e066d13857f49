-- V5: online index
-- @flyway:executeInTransaction false
CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);
  /* flyway:executeInTransaction=false */
