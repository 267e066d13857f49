SET lock_timeout = '2s';
-- one order per reference
ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE (ref);
ALTER TABLE items ADD PRIMARY KEY (id);
