//! Any text as a Claude Code permission rule: it parses or fails with a position inside the
//! rule, and a parsed rule parses again from its own text to the same rule.
#![no_main]

use hookkit::permission::PermissionRule;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match PermissionRule::parse(text) {
        Ok(rule) => {
            let again = PermissionRule::parse(&rule.text).expect("a parsed rule parses again");
            assert_eq!(again, rule);
            let _ = rule.is_mcp();
        }
        Err(error) => {
            assert!(
                error.column <= text.len(),
                "column {} is past the end of a {}-byte rule",
                error.column,
                text.len()
            );
            let _ = error.to_string();
        }
    }
});
