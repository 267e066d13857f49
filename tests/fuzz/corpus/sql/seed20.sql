-- argomig:contract (release 42 stopped using orders.legacy_flag)
SET lock_timeout = '2s';
ALTER TABLE orders DROP COLUMN legacy_flag;
