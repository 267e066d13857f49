-- The first release: orders.
CREATE TABLE orders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer    text   NOT NULL,
    total_cents bigint NOT NULL
);
