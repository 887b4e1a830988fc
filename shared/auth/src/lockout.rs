//! Back-off after failed sign-ins, the same for operators and board
//! members: after five wrong passwords (or codes) in a row the account is
//! locked for fifteen minutes, then the count starts again.
//!
//! The count lives in the account's row and is only ever changed by one
//! statement that adds the attempt and sets the lock together
//! (`failed_attempts = failed_attempts + 1 … RETURNING`), before the
//! password is checked: parallel guesses each take their own turn, and no
//! more than [`MAX_FAILED_ATTEMPTS`] are ever checked before the lock.

use time::Duration;

/// Wrong passwords in a row before the account is locked.
pub const MAX_FAILED_ATTEMPTS: i32 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT: Duration = Duration::minutes(15);
