SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN status text;

-- fill it
UPDATE orders SET status = 'new' WHERE id < 1000;
UPDATE orders SET status = 'new' WHERE id >= 1000;
