-- V3: index orders by customer
SET lock_timeout = '2s';

/* the index */
CREATE INDEX orders_customer_idx ON orders (customer_id);
