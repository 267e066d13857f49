-- Expand: a nullable column with a constant default (no rewrite).
ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';
