-- V9: backfill
UPDATE orders SET status = 'new' WHERE status IS NULL;
DELETE FROM order_events;
