-- V4: audit trail
CREATE TABLE audit (id bigint);

CREATE TABLE audit_orders (
    id bigint,
    order_id bigint REFERENCES orders (id)
);
ALTER TABLE orders ADD COLUMN audited boolean;
