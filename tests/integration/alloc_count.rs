//! Heap accounting for the memory tests. One binary holds every test, so the counting global
//! allocator is installed for all of them but counts only in a child process that runs one
//! memory test alone ([`alone`]); the tests running in parallel in the parent cannot disturb
//! the figures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering::Relaxed};

struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
/// Live heap bytes since counting started (negative after freeing older memory).
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn grew(by: usize) {
    if ON.load(Relaxed) {
        let now = LIVE.fetch_add(by as isize, Relaxed) + by as isize;
        PEAK.fetch_max(now, Relaxed);
    }
}

fn shrank(by: usize) {
    if ON.load(Relaxed) {
        LIVE.fetch_sub(by as isize, Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        shrank(layout.size());
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const CHILD: &str = "PERMITPACK_ALLOC_TEST";

/// Runs the test `name` (its path in this binary, `module::test`) alone in a child process
/// of this binary, with counting on there. Returns `true` in the child, where the test goes
/// on and measures; `false` in the parent once the child passed (its figures are echoed).
pub fn alone(name: &str) -> bool {
    if std::env::var_os(CHILD).is_some_and(|v| v == name) {
        ON.store(true, Relaxed);
        return true;
    }
    let exe = std::env::current_exe().expect("test binary path");
    let out = std::process::Command::new(&exe)
        .args([name, "--exact", "--test-threads=1", "--nocapture"])
        .env(CHILD, name)
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprint!("{stderr}");
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} alone in {} ({}):\n{stdout}\n{stderr}",
        exe.display(),
        out.status
    );
    false
}

/// Live heap bytes now.
pub fn live() -> isize {
    LIVE.load(Relaxed)
}

/// Starts a peak measurement; returns the live bytes at the start.
pub fn start_peak() -> isize {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    base
}

/// Bytes at the peak since [`start_peak`] returned `base`, above `base`.
pub fn peak_since(base: isize) -> usize {
    (PEAK.load(Relaxed) - base).max(0) as usize
}
