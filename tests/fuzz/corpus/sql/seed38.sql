SET lock_timeout = '2s';
-- more room
ALTER TABLE orders ALTER COLUMN qty TYPE bigint;
ALTER TABLE orders ALTER COLUMN note TYPE varchar(50);
ALTER TABLE customers ALTER COLUMN name TYPE text;
