SET lock_timeout = '2s';
-- clearer name
ALTER TABLE orders RENAME COLUMN total TO amount;
