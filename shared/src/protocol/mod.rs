//! The Claude Code hook wire protocol: what arrives on stdin and what goes back.
//!
//! Inputs are parsed leniently (unknown fields and unknown events are kept, never rejected);
//! replies are built with the constructors on [`Reply`], which always echo the input's
//! `hook_event_name` as `hookEventName`.

mod input;
mod reply;
mod tool;

pub use input::{Common, Event, HookInput, McpServer};
pub use reply::{PermissionDecision, Reply, TopLevelDecision};
pub use tool::{
    BashInput, EditInput, FileAccess, KNOWN_TOOLS, ToolCall, ToolKind, ToolView, WebFetchInput,
    WebSearchInput, tool_kind,
};
