SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE USING INDEX orders_ref_idx;
CREATE TABLE refunds (id bigint, ref text);
ALTER TABLE refunds ADD PRIMARY KEY (id);
