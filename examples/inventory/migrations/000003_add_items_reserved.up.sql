-- Expand: a new column with a constant default, no table rewrite.
SET lock_timeout = '5s';

ALTER TABLE items ADD COLUMN reserved integer NOT NULL DEFAULT 0;
