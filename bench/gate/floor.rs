//! The floor the gate is measured against: the least a Rust hook can do. Reads all of stdin
//! and prints `{}`. Built with `rustc -O` by `run.sh`.

use std::io::{Read, Write};

fn main() {
    let mut input = Vec::new();
    let _ = std::io::stdin().lock().read_to_end(&mut input);
    let _ = writeln!(std::io::stdout().lock(), "{{}}");
}
