//! Lays out the server build's code so that what runs lies together.
//!
//! The Matrix-only `lean` build (docs/DEPLOY.md) is linked with `linker/matrix-lean.order`:
//! the functions a traced run of the bot executed, in the order it first ran them, which the
//! linker puts first in the binary's code. Linux maps a program's code into memory 64 KiB
//! around each page it first runs, so scattered functions made most of the 20 MB of code
//! resident though a quarter of it ever runs; together, they take a third of the memory
//! (docs/PERFORMANCE.md, "Code layout"). Every other build links as it always did.
//!
//! The list names symbols as this toolchain and these dependency versions mangle them; a name
//! the linker no longer finds is skipped, so a stale list costs memory, never a failed build.
//! `scripts/text-order/run.sh` makes it again. `LABCIRCLE_TEXT_ORDER=0` links without it
//! (to measure the difference).

use std::env;
use std::path::Path;

const ORDER: &str = "linker/matrix-lean.order";

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed={ORDER}");
    println!("cargo::rerun-if-env-changed=LABCIRCLE_TEXT_ORDER");
    let set = |name: &str| env::var_os(name).is_some();
    let is = |name: &str, value: &str| env::var(name).is_ok_and(|v| v == value);
    // The list is for the Matrix-only optimised build, linked by Rust's own lld (the default
    // for this target): another linker may not take the flag.
    let rustflags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let own_linker =
        !set("RUSTC_LINKER") && !rustflags.contains("linker") && !rustflags.contains("fuse-ld");
    if is("PROFILE", "release")
        && set("CARGO_FEATURE_MATRIX")
        && !set("CARGO_FEATURE_DISCORD")
        && is("TARGET", "x86_64-unknown-linux-gnu")
        && own_linker
        && !is("LABCIRCLE_TEXT_ORDER", "0")
    {
        let order = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join(ORDER);
        println!(
            "cargo::rustc-link-arg-bin=labcircle=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo::rustc-link-arg-bin=labcircle=-Wl,--no-warn-symbol-ordering");
    }
}
