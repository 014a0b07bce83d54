-- Limits over any window of their length (SPEC §7, issue #34): a window's count is judged
-- again while it is the previous window (the sliding-window estimate weighs it), so each row
-- records its window's length and is swept once window_end + seconds has passed. Rows written
-- before this migration were all of 60-second windows.
ALTER TABLE throttle_counts ADD COLUMN seconds bigint NOT NULL DEFAULT 60;
DROP INDEX throttle_counts_window_end;
CREATE INDEX throttle_counts_expiry ON throttle_counts ((window_end + seconds));
