//! Tools for authors beside the build: `init`/`new` scaffolding and
//! troubleshooter graphs.

pub mod graph;
pub mod scaffold;
pub mod translate;
