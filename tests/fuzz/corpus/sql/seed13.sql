-- V7: add a column
SET lock_timeout = '2s';

ALTER TABLE orders ADD COLUMN;
ALTER TABLE orders ADD COLUMN note text;
