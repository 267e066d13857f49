UPDATE orders SET status = 'new' WHERE id < 1000;
