//! Integration tests: real fixture sites built by the real binary.

mod architecture;
mod browser;
mod build;
mod cli;
mod errors;
mod golden;
mod harness;
mod insights;
mod languages;
mod live;
mod props;
mod serve;
mod trees;
