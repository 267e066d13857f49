SET lock_timeout = '2s';
ALTER TABLE orders RENAME CONSTRAINT orders_total_check TO orders_amount_check;
ALTER INDEX orders_total_idx RENAME TO orders_amount_idx;
