-- argomig:contract: release 42 stopped using legacy_orders
SET lock_timeout = '2s';
DROP TABLE IF EXISTS legacy_orders;
