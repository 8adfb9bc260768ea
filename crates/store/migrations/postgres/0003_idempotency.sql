-- Answers to creating requests, by the client's Idempotency-Key, so that a
-- retry gets the first answer instead of creating again.
CREATE TABLE idempotency_keys (
    user_id      BIGINT NOT NULL REFERENCES users (id),
    key          TEXT   NOT NULL,
    request_hash TEXT   NOT NULL,
    status       BIGINT,
    body         TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
