SET lock_timeout = '2s';
-- every order needs a status
ALTER TABLE orders
    ADD COLUMN status text NOT NULL;
