//! Runbooks: the library (shipped and the team's own), the matcher that picks
//! the ones for an incident, and the markdown renderer for the reader pane.
pub mod frontmatter;
mod index;
pub mod library;
pub mod markdown;
pub mod matcher;
pub mod problems;
pub mod search;
mod sections;
pub mod standard;
mod words;

pub use library::{Library, Origin, Runbook};
pub use matcher::{Match, Query, Section, rank};
pub use problems::{FileProblem, ProblemKind};
