SET lock_timeout = '2s';
-- nobody reads it
ALTER TABLE orders DROP COLUMN legacy_flag;
