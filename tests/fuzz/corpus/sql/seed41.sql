-- Flyway does not detect REINDEX TABLE as non-transactional
REINDEX TABLE CONCURRENTLY orders;
