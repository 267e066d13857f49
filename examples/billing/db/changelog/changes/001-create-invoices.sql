--liquibase formatted sql

--changeset billing:1
CREATE TABLE invoices (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint      NOT NULL,
    amount      numeric(12, 2) NOT NULL,
    issued_at   timestamptz NOT NULL DEFAULT now()
);
