//! What the rules look at in one tool call, worked out once per call.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::path::{Anchors, normalise};
use crate::protocol::{ToolCall, ToolView};

/// One tool call with the facts rules match against.
#[derive(Debug)]
pub struct CallFacts<'a> {
    /// The call.
    pub call: &'a ToolCall,
    /// Its typed view.
    pub view: &'a ToolView,
    /// The whole hook input, for jq conditions.
    pub hook_input: &'a Value,
    /// The session cwd.
    pub cwd: &'a Path,
    /// The user's home, if known.
    pub home: Option<&'a Path>,
    /// For file tools: the path, absolute and normalised (the cwd for a search without one).
    pub file_path: Option<PathBuf>,
    /// The call searches below `file_path` (Glob, Grep) rather than naming one file.
    pub searches: bool,
}

impl<'a> CallFacts<'a> {
    /// Gathers the facts of a call.
    pub fn new(
        call: &'a ToolCall,
        view: &'a ToolView,
        hook_input: &'a Value,
        cwd: &'a Path,
        home: Option<&'a Path>,
    ) -> Self {
        let file_path = match view {
            ToolView::File { path, .. } => Some(normalise(Path::new(path), cwd)),
            _ => None,
        };
        Self {
            call,
            view,
            hook_input,
            cwd,
            home,
            file_path,
            searches: matches!(call.name.as_str(), "Glob" | "Grep"),
        }
    }

    pub(crate) fn anchors(&self) -> Anchors<'_> {
        Anchors {
            cwd: self.cwd,
            home: self.home,
        }
    }
}
