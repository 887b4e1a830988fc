//! Back-off after failed sign-ins, the same for operators and board
//! members: after five wrong passwords in a row the account is locked for
//! fifteen minutes, then the count starts again.

use time::{Duration, OffsetDateTime};

/// Wrong passwords in a row before the account is locked.
pub const MAX_FAILED_ATTEMPTS: i32 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT: Duration = Duration::minutes(15);

/// After one more failure: the count to store and, when it reached the
/// limit, the end of the lock (the count then starts again from zero).
pub fn after_failure(failed_before: i32, now: OffsetDateTime) -> (i32, Option<OffsetDateTime>) {
    let failures = failed_before + 1;
    if failures >= MAX_FAILED_ATTEMPTS {
        (0, Some(now + LOCKOUT))
    } else {
        (failures, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_failure_locks_for_fifteen_minutes() {
        let now = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(after_failure(0, now), (1, None));
        assert_eq!(after_failure(3, now), (4, None));
        assert_eq!(
            after_failure(4, now),
            (0, Some(now + Duration::minutes(15)))
        );
    }
}
