CREATE TABLE orders (
    id bigint PRIMARY KEY,
    note varchar(100),
    amount numeric(10,2),
    qty integer
);
