SET lock_timeout = '2s';
/* replaced by purchases */
DROP TABLE IF EXISTS legacy_orders, archive.legacy_items;
