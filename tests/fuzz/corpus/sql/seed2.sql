SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN note text DEFAULT '';
/* a random token per row */
ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();
ALTER TABLE orders ADD COLUMN seq bigserial;
