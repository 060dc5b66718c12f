//! What the command lines of hookkit's binaries share, so that a flag means the same thing in
//! every binary and a person command offered by two binaries (the `hookkit` command and, for
//! one release, the hook binary it came from) is one definition.
//!
//! - [`VERSION`]: the version line of `--version` (version and git commit).
//! - [`color`]: `--color auto|always|never`, with `NO_COLOR` honoured.
//! - [`generate`]: `--generate` (completions and man pages from the clap definition).
//! - [`hook`]: the hook-mode entry: usage at once on a terminal, clap's errors everywhere.
//! - [`project`]: the project and environment a person command works on.
//! - [`lint`], [`log`], [`review`], [`gate`]: person commands shared by two binaries.

pub mod color;
pub mod gate;
pub mod generate;
pub mod hook;
pub mod lint;
pub mod log;
pub mod project;
pub mod review;

/// The version line after the binary's name: `0.1.0 (commit 1a2b3c4d5e6f)`.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("HOOKKIT_GIT_COMMIT"),
    ")"
);

/// Writes `text` to `out`, turning an I/O error into the message the binaries print.
pub fn write_out(out: &mut dyn std::io::Write, text: &str) -> hookkit::Result<()> {
    out.write_all(text.as_bytes())
        .map_err(|e| hookkit::Error::io("writing", "<stdout>", e))
}
