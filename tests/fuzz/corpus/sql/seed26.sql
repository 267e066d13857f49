SET lock_timeout = '2s';
ALTER INDEX orders_pkey RENAME TO purchases_pkey;
ALTER SEQUENCE orders_id_seq RENAME TO purchases_id_seq;
