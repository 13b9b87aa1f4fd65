//! Panics kept off the terminal where they are expected and caught: the spreadsheet parsers
//! and the xlsx writer panic on some damaged files or a full disk, and the caller turns that
//! into one clear message. One panic hook, installed once, stays silent on a thread while it
//! runs [`quietly`]; every other panic (on any other thread, a `serve` job beside it
//! included) is reported by the hook that was there before.

use std::cell::Cell;
use std::sync::Once;

thread_local! {
    /// How many [`quietly`] calls this thread is inside.
    static QUIET: Cell<u32> = const { Cell::new(0) };
}

static HOOK: Once = Once::new();

/// Runs `f` with panics on this thread unreported (they still unwind: catch them inside).
pub fn quietly<T>(f: impl FnOnce() -> T) -> T {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            QUIET.with(|q| q.set(q.get().saturating_sub(1)));
        }
    }
    QUIET.with(|q| q.set(q.get() + 1));
    let _leave = Leave;
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_on_this_thread_only_and_nested() {
        let caught = quietly(|| {
            quietly(|| std::panic::catch_unwind(|| panic!("expected, and not printed")))
        });
        assert!(caught.is_err());
        assert_eq!(QUIET.with(Cell::get), 0, "left on the way out");
        let other = std::thread::spawn(|| QUIET.with(Cell::get)).join().unwrap();
        assert_eq!(other, 0);
        // A panic unwinding through `quietly` still leaves the flag down.
        let _ = std::panic::catch_unwind(|| quietly(|| panic!("through")));
        assert_eq!(QUIET.with(Cell::get), 0);
    }
}
