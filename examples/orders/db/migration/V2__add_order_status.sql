-- Expand: a nullable status column with a constant default. Release 1.3
-- writes it; older pods ignore it. Adding a column with a constant
-- default is a catalog-only change since PostgreSQL 11.
SET LOCAL lock_timeout = '5s';

ALTER TABLE orders ADD COLUMN status text DEFAULT 'pending';
