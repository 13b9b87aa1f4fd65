//! Exit statuses of the command line and of `permitpack serve`, in one place.

/// Every employee ready (or the server stopped cleanly).
pub const EXIT_READY: i32 = 0;
/// The run finished but some employee needs attention.
pub const EXIT_ATTENTION: i32 = 1;
/// Nothing could be done (unreadable roster, no header, bad arguments).
pub const EXIT_FAILED: i32 = 2;
/// Stopped by a second Ctrl-C (128 + SIGINT).
pub const EXIT_INTERRUPTED: i32 = 130;
