/// A limit that holds over any window of its length, not per calendar window (SPEC §7), judged
/// by Cloudflare's sliding-window estimate: the previous fixed window's count weighted by the
/// part of it still inside the last `length`, plus the current window's count. Two counters per
/// identity, no I/O: the local limiter (``SlidingCounter``) and the deployment's shared counts
/// (``SharedThrottleCounts``) both judge with it.
///
/// Times are nanoseconds on whatever clock the caller keeps (monotonic for the local limiter,
/// the Unix epoch for the shared counts); only differences matter.
struct SlidingWindow: Sendable, Equatable {
    /// Requests allowed over any span of `length`.
    let limit: Int
    /// The window's length, in nanoseconds.
    let length: UInt64

    init(_ rate: ThrottleRate) {
        limit = rate.limit
        length = UInt64(max(1, rate.seconds)) * 1_000_000_000
    }

    /// The estimated count over the last `length` at `elapsed` nanoseconds into the current
    /// window, given the previous and current windows' counts.
    func estimate(previous: Int, current: Int, elapsed: UInt64) -> Double {
        let remaining = 1 - Double(min(elapsed, length)) / Double(length)
        return Double(previous) * remaining + Double(current)
    }

    /// The judgement of one more request: whether it is allowed, what is left afterwards, and
    /// the seconds the `RateLimit` fields report — until the current window ends when it is
    /// allowed, until one more would be allowed (`Retry-After`, at most the window's length)
    /// when it is not.
    func judge(previous: Int, current: Int, elapsed: UInt64) -> RateLimiter.Outcome {
        let after = estimate(previous: previous, current: current, elapsed: elapsed) + 1
        if after <= Double(limit) {
            return RateLimiter.Outcome(
                allowed: true, limit: limit, remaining: max(0, Int((Double(limit) - after).rounded(.down))),
                resetSeconds: Self.seconds(length - min(elapsed, length)))
        }
        // Never advice beyond the window's length, the longest an exact sliding window makes
        // anyone wait (the estimate, assuming the previous window's requests evenly spread, can
        // hold a burst a little longer; a client back by then is told the rest).
        return RateLimiter.Outcome(
            allowed: false, limit: limit, remaining: 0,
            resetSeconds: Self.seconds(min(length, wait(previous: previous, current: current, elapsed: elapsed))))
    }

    /// Nanoseconds from `elapsed` until one more request would be allowed, if no other is
    /// counted meanwhile: the previous window's weight decays through the current window; when
    /// the current count alone leaves no room, the current window has to become the previous.
    func wait(previous: Int, current: Int, elapsed: UInt64) -> UInt64 {
        let length = Double(length), elapsed = Double(min(elapsed, self.length))
        let room = Double(limit - 1 - current)
        if room >= 0 {
            guard previous > 0 else { return 0 }
            // previous × (1 − t / length) ≤ room
            let at = length * (1 - room / Double(previous))
            return UInt64(max(0, at - elapsed).rounded(.up))
        }
        // Next window: current × (1 − t / length) ≤ limit − 1.
        let at = length * (1 - Double(limit - 1) / Double(current))
        return UInt64((length - elapsed + max(0, at)).rounded(.up))
    }

    /// Whole seconds, rounded up, at least 1.
    static func seconds(_ nanoseconds: UInt64) -> Int {
        max(1, Int((nanoseconds + 999_999_999) / 1_000_000_000))
    }
}

/// One identity's counts for the local limiter: its current window (which starts at its first
/// request, so a newcomer gets a whole window) and the window before. A state machine without
/// I/O; the clock is passed in.
struct SlidingCounter: Sendable, Equatable {
    /// The current window's start, in nanoseconds.
    private(set) var start: UInt64
    private(set) var previous = 0
    private(set) var current = 0

    init(start: UInt64) {
        self.start = start
    }

    /// Moves the windows on to `now`: one window later the current count becomes the
    /// previous; two or more, both are forgotten and the window restarts at `now`.
    mutating func advance(to now: UInt64, length: UInt64) {
        guard now >= start else { return }
        let windows = (now - start) / length
        if windows == 1 {
            previous = current
            current = 0
            start += length
        } else if windows >= 2 {
            previous = 0
            current = 0
            start = now
        }
    }

    /// Whether these counts matter at `now`: false once two windows have passed.
    func isLive(at now: UInt64, length: UInt64) -> Bool {
        now < start || now - start < 2 * length
    }

    /// Judges one request at `now`; counts it when it is allowed, or always when `always`
    /// (a failure that happened whatever the limit said). Refusals are not counted otherwise, so
    /// a client that keeps asking regains the limit as the window slides.
    mutating func hit(_ window: SlidingWindow, now: UInt64, always: Bool = false) -> RateLimiter.Outcome {
        advance(to: now, length: window.length)
        let outcome = window.judge(previous: previous, current: current, elapsed: now >= start ? now - start : 0)
        if outcome.allowed || always { current += 1 }
        return outcome
    }

    /// What ``hit(_:now:always:)`` would say, without counting.
    func peek(_ window: SlidingWindow, now: UInt64) -> RateLimiter.Outcome {
        var copy = self
        copy.advance(to: now, length: window.length)
        return window.judge(previous: copy.previous, current: copy.current, elapsed: now >= copy.start ? now - copy.start : 0)
    }
}
