-- The orders table as the first release of the service needs it.
CREATE TABLE orders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint      NOT NULL,
    total_cents bigint      NOT NULL,
    note        text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE order_lines (
    order_id    bigint  NOT NULL REFERENCES orders (id),
    line_no     integer NOT NULL,
    sku         text    NOT NULL,
    quantity    integer NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
