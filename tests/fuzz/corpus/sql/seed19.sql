SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
    FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
CREATE TABLE refunds (id bigint, qty int);
ALTER TABLE refunds ADD CONSTRAINT refunds_qty_check CHECK (qty > 0);
