//! How much memory the process holds: at most two malloc arenas.
//!
//! glibc's malloc gives each thread that allocates while another holds an arena an arena of
//! its own, up to eight per core, and an arena keeps what was freed in it for reuse. The bot's
//! threads are few but varied (tokio's workers, its blocking pool, one thread per SQLite
//! connection of sqlx), so most of them ended up with an arena each, mostly empty. Two arenas
//! (one per core of a small server) keep the contention low and the memory in two heaps.
//! An operator's `MALLOC_ARENA_MAX` (or `glibc.malloc.arena_max` in `GLIBC_TUNABLES`) wins;
//! other C libraries are left as they are.

/// Caps glibc's malloc arenas at two, unless the operator set a number. Call it first in
/// `main`, before any other thread starts.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::ffi::c_int;
        let tuned = std::env::var("GLIBC_TUNABLES").is_ok_and(|t| t.contains("arena_max"));
        if std::env::var_os("MALLOC_ARENA_MAX").is_some() || tuned {
            return;
        }
        unsafe extern "C" {
            fn mallopt(param: c_int, value: c_int) -> c_int;
        }
        /// glibc's malloc.h.
        const M_ARENA_MAX: c_int = -8;
        // SAFETY: mallopt only sets one of malloc's tunables; glibc takes its own lock for it,
        // and main calls this before any other thread exists.
        unsafe {
            mallopt(M_ARENA_MAX, 2);
        }
    }
}
