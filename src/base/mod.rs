//! Leaves of the pipeline: diagnostics, escaping, hashing, dates and
//! number packing.
//! Nothing here names anything else in the crate.

pub mod date;
pub mod diagnostic;
pub(crate) mod embedded;
pub(crate) mod escape;
pub(crate) mod folder;
pub(crate) mod hash;
pub(crate) mod spill;
pub(crate) mod varint;
