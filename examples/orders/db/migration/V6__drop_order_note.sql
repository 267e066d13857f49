-- argomig:contract
-- Contract: release 1.4 no longer reads or writes orders.note (1.3 stopped
-- writing it), so no running pod uses the column any more.
SET LOCAL lock_timeout = '5s';

ALTER TABLE orders DROP COLUMN note;
