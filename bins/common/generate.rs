//! Shell completions and man pages, generated from a binary's own clap definition, so they
//! can never drift from its real arguments: `<binary> --generate bash|zsh|fish|elvish|
//! powershell|man`.

use std::io::Write;

/// The values `--generate` takes.
pub const TARGETS: [&str; 6] = ["bash", "zsh", "fish", "elvish", "powershell", "man"];

/// Writes the completion script for a shell, or the man page (`man`), of `command`, under the
/// binary's own name (clap would otherwise take the package's).
pub fn generate(
    command: clap::Command,
    binary: &'static str,
    target: &str,
    out: &mut impl Write,
) -> Result<(), String> {
    let mut command = command.name(binary).bin_name(binary);
    if target == "man" {
        return clap_mangen::Man::new(command)
            .render(out)
            .map_err(|e| format!("writing the man page: {e}"));
    }
    let shell: clap_complete::Shell = target.parse().map_err(|_| {
        format!(
            "cannot generate `{target}`: expected one of {}",
            TARGETS.join(", ")
        )
    })?;
    // clap_complete panics when its writer fails (a closed pipe), so it writes to memory.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, binary, &mut script);
    out.write_all(&script)
        .map_err(|e| format!("writing the completions: {e}"))
}
