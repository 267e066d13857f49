--liquibase formatted sql

--changeset billing:2
-- Expand: nullable, no default; release 3.1 fills it for new invoices.
SET LOCAL lock_timeout = '5s';
ALTER TABLE invoices ADD COLUMN due_on date;
