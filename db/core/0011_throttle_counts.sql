-- Throttling counts shared by every instance (SPEC §7): per policy, identity (a key id or a
-- client address) and fixed window, aligned to the epoch so all instances agree on windows.
-- Instances add their local counts in batches; a crash losing them only forgives a few
-- requests, so the table is unlogged (no WAL).
CREATE UNLOGGED TABLE throttle_counts (
    policy     text   NOT NULL,
    identity   text   NOT NULL,
    window_end bigint NOT NULL,  -- unix seconds
    count      bigint NOT NULL,
    PRIMARY KEY (policy, identity, window_end)
);
CREATE INDEX throttle_counts_window_end ON throttle_counts (window_end);
