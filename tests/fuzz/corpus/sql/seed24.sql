CREATE TABLE audit (id bigint);
CREATE INDEX audit_id_idx ON audit (id);
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN audited boolean;
CREATE INDEX CONCURRENTLY orders_audited_idx ON orders (audited);
