-- argomig:contract
SET lock_timeout = '1s';
ALTER TABLE orders DROP COLUMN legacy_flag;
