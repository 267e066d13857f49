SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;
-- not validated yet: SET NOT NULL still scans
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
