//! Shared machinery of the robustness tests: a seeded generator, meaning-preserving disguises
//! of shell command lines, the command corpora, and decisions ranked by strength.

pub(crate) mod corpus;
pub(crate) mod decision;
pub(crate) mod disguise;
pub(crate) mod regressions;
pub(crate) mod rng;
