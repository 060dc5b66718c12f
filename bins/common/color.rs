//! `--color auto|always|never`: whether human output is coloured.
//!
//! `auto` colours a terminal unless `NO_COLOR` is set to a non-empty value (no-color.org);
//! `always` and `never` are what a person asked for on the command line, which wins over
//! the environment.

use clap::ValueEnum;
use hookkit::env::Env;

/// The `--color` flag's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Color {
    /// Colour when the output is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl Color {
    /// Whether to colour an output that is (`is_terminal`) or is not a terminal.
    pub fn enabled(self, env: &Env, is_terminal: bool) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => is_terminal && !env.no_color,
        }
    }

    /// Whether to colour stdout.
    pub fn for_stdout(self, env: &Env) -> bool {
        use std::io::IsTerminal;
        self.enabled(env, std::io::stdout().is_terminal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_turns_auto_off_but_not_always() {
        let plain = Env::default();
        let no_color = Env {
            no_color: true,
            ..Env::default()
        };
        assert!(Color::Auto.enabled(&plain, true));
        assert!(!Color::Auto.enabled(&plain, false));
        assert!(!Color::Auto.enabled(&no_color, true));
        assert!(Color::Always.enabled(&no_color, false));
        assert!(!Color::Never.enabled(&plain, true));
    }
}
