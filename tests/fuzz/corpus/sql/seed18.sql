CREATE TABLE order_status (id bigint, status text);
INSERT INTO order_status (id, status) VALUES (1, 'new');
UPDATE order_status SET status = 'open' WHERE id = 1;
