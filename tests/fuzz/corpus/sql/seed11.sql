SET lock_timeout = '2s';
-- orders are purchases now
ALTER TABLE orders RENAME TO purchases;
