UPDATE orders SET status = 'new' WHERE id BETWEEN 1 AND 10000;
CREATE TABLE scratch (id bigint);
DELETE FROM scratch;
