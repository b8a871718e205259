//! When to retry a request and how long to wait: exponential backoff with jitter.
//!
//! Only failures that a later attempt may not meet again are retried: network errors (no
//! connection, timeout, connection cut) and 5xx statuses. A 4xx is the client's or the user's
//! problem and is returned at once. The waits are pure functions of the attempt number and a
//! jitter value, so they are tested without sleeping.

use std::time::Duration;

/// Bounds of the retry loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included; 1 means no retry.
    pub max_attempts: u32,
    /// Wait before the first retry, before jitter.
    pub base_delay: Duration,
    /// Cap of any one wait, before jitter.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Five attempts waiting about 0.25 s, 0.5 s, 1 s and 2 s: about 4 s in all, short enough
    /// for an officer waiting on the sync button.
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
        }
    }
}

/// Kind of a failed attempt, for the retry decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No response arrived: connection refused or cut, or a timeout.
    Network,
    /// The server responded with this HTTP status.
    Status(u16),
}

impl RetryPolicy {
    /// Tells whether a failure is worth another attempt: network errors and 5xx only.
    pub fn is_retryable(failure: Failure) -> bool {
        match failure {
            Failure::Network => true,
            Failure::Status(status) => (500..=599).contains(&status),
        }
    }

    /// Tells whether attempt number `attempt` (counted from 1) that failed with `failure` may be
    /// followed by another.
    pub fn should_retry(&self, attempt: u32, failure: Failure) -> bool {
        attempt < self.max_attempts && RetryPolicy::is_retryable(failure)
    }

    /// Returns the wait after failed attempt number `attempt` (counted from 1).
    ///
    /// The nominal wait is `base_delay * 2^(attempt - 1)`, capped at `max_delay`. `jitter` in
    /// `[0, 1]` then picks a wait between half the nominal wait and the whole of it ("equal
    /// jitter"), so devices that failed together do not retry together, and no wait is shorter
    /// than half the nominal one. Values of `jitter` outside `[0, 1]` are clamped.
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(31);
        let nominal = self
            .base_delay
            .checked_mul(1u32 << exponent)
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        let jitter = if jitter.is_nan() { 0.0 } else { jitter.clamp(0.0, 1.0) };
        let half = nominal / 2;
        half + half.mul_f64(jitter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
        }
    }

    #[test]
    fn delay_doubles_then_caps() {
        let policy = policy();
        assert_eq!(policy.delay(1, 1.0), Duration::from_millis(100));
        assert_eq!(policy.delay(2, 1.0), Duration::from_millis(200));
        assert_eq!(policy.delay(3, 1.0), Duration::from_millis(400));
        assert_eq!(policy.delay(4, 1.0), Duration::from_millis(500));
        assert_eq!(policy.delay(40, 1.0), Duration::from_millis(500));
    }

    #[test]
    fn jitter_stays_between_half_and_whole() {
        let policy = policy();
        assert_eq!(policy.delay(2, 0.0), Duration::from_millis(100));
        assert_eq!(policy.delay(2, 0.5), Duration::from_millis(150));
        assert_eq!(policy.delay(2, 7.0), Duration::from_millis(200));
        assert_eq!(policy.delay(2, -1.0), Duration::from_millis(100));
        assert_eq!(policy.delay(2, f64::NAN), Duration::from_millis(100));
    }

    #[test]
    fn huge_base_delay_does_not_overflow() {
        let policy = RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_secs(u64::MAX / 2),
            max_delay: Duration::from_secs(60),
        };
        assert_eq!(policy.delay(5, 1.0), Duration::from_secs(60));
    }

    #[test]
    fn only_network_and_server_errors_retry() {
        assert!(RetryPolicy::is_retryable(Failure::Network));
        assert!(RetryPolicy::is_retryable(Failure::Status(500)));
        assert!(RetryPolicy::is_retryable(Failure::Status(503)));
        for status in [400, 401, 403, 404, 409, 422, 429] {
            assert!(!RetryPolicy::is_retryable(Failure::Status(status)), "{status}");
        }
    }

    #[test]
    fn attempts_are_bounded() {
        let policy = policy();
        assert!(policy.should_retry(1, Failure::Network));
        assert!(policy.should_retry(3, Failure::Status(502)));
        assert!(!policy.should_retry(4, Failure::Network));
        assert!(!policy.should_retry(1, Failure::Status(403)));
    }
}
