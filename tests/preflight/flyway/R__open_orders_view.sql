CREATE OR REPLACE VIEW open_orders AS SELECT id, customer FROM orders;
