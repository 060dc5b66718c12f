//! A gitignore-style glob and a path, split at the first newline: compiling never panics, and
//! matching terminates (libFuzzer's timeout catches exponential backtracking).
#![no_main]

use hookkit::glob::Pattern;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (pattern, path) = text.split_once('\n').unwrap_or((text, "src/main.rs"));
    let Ok(compiled) = Pattern::new(pattern) else {
        return;
    };
    assert_eq!(compiled.as_str(), pattern);
    let _ = compiled.is_absolute();
    let _ = compiled.matches(path);
    let _ = compiled.matches_anywhere(path);
});
