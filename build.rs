//! Lays out the server build's code so that what runs lies together.
//!
//! The Matrix-only `lean` build (docs/DEPLOY.md) is linked with `linker/matrix-lean.order`:
//! the functions a traced run of the bot executed, in the order it first ran them, which the
//! linker puts first in the binary's code. A page fault maps more of a program's code than the
//! page it needs, so functions spread over the 20 MB of code made 18 MiB of it resident though
//! 6 MiB ever ran; laid out together, the binary's resident pages fell from 24 to 12 MiB
//! (docs/PERFORMANCE.md, "the code that runs, laid out together"). Every other build links as
//! it always did.
//!
//! The list names symbols as this toolchain and these dependency versions mangle them; a name
//! the linker no longer finds is skipped, so a stale list costs memory, never a failed build.
//! `scripts/text-order/run.sh` makes it again. `LABCIRCLE_TEXT_ORDER=0` links without it
//! (to measure the difference). A linker that does not take the list (GNU ld, as some
//! distributions' Rust uses) is found by a trial link, and the build goes on without it.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const ORDER: &str = "linker/matrix-lean.order";

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed={ORDER}");
    println!("cargo::rerun-if-env-changed=LABCIRCLE_TEXT_ORDER");
    let set = |name: &str| env::var_os(name).is_some();
    let is = |name: &str, value: &str| env::var(name).is_ok_and(|v| v == value);
    let rustflags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let default_linker =
        !set("RUSTC_LINKER") && !rustflags.contains("linker") && !rustflags.contains("fuse-ld");
    let order = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join(ORDER);
    if !(is("PROFILE", "release")
        && set("CARGO_FEATURE_MATRIX")
        && !set("CARGO_FEATURE_DISCORD")
        && is("TARGET", "x86_64-unknown-linux-gnu")
        && default_linker
        && !is("LABCIRCLE_TEXT_ORDER", "0")
        && order.is_file())
    {
        return;
    }
    let flags = [
        format!("-Wl,--symbol-ordering-file={}", order.display()),
        "-Wl,--no-warn-symbol-ordering".to_owned(),
    ];
    if !linker_takes(&flags) {
        println!(
            "cargo::warning=linked without {ORDER}: this linker does not take a symbol \
             ordering file (Rust's own lld does). The bot works the same, with about 12 MiB \
             more resident memory (docs/PERFORMANCE.md)."
        );
        return;
    }
    for flag in flags {
        println!("cargo::rustc-link-arg-bin=labcircle={flag}");
    }
}

/// Whether a program links with `flags`: an empty `main` built with the same rustc and target.
fn linker_takes(flags: &[String]) -> bool {
    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo"));
    let source = out.join("trial.rs");
    if std::fs::write(&source, "fn main() {}\n").is_err() {
        return false;
    }
    let mut rustc = Command::new(env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned()));
    rustc
        .arg("--edition=2024")
        .arg("--crate-name=trial")
        .arg("--target")
        .arg(env::var("TARGET").expect("set by cargo"))
        .arg("-o")
        .arg(out.join("trial"))
        .arg(&source);
    for flag in flags {
        rustc.arg("-C").arg(format!("link-arg={flag}"));
    }
    rustc.output().is_ok_and(|o| o.status.success())
}
