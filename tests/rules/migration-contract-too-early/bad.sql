-- argomig:contract
SET lock_timeout = '1s';
ALTER TABLE orders DROP COLUMN note;
