//! permitpack: prepares combined Work Permit + Residence Permit extension packets for the
//! foreign employees of a company in mainland China.
//!
//! The house, from the ground up:
//!
//! - plain data and helpers: `model`, `issue`, `fsutil`, `outcome`, `assets`, `catalog`,
//!   `limits`, `countries`, `spool`;
//! - the seams ([`io`]): what a run reads ([`io::Inputs`]), where it writes ([`io::Sink`]),
//!   whom it tells ([`io::Progress`]), and the plain types crossing them; no implementation;
//! - the stages, one module each, exchanging plain data: `roster` (spreadsheet -> employees
//!   and cell problems) -> `rules` (window, term, fee, checklist, working days) -> `photo`
//!   (measure and judge) -> `documents` (match scans) -> `render` (PDFs) -> `upload`,
//!   `platform` (what the online platform takes) -> `packet` (zip) -> `report`
//!   (json/csv/xlsx/html/ics);
//! - beside a folder on disk: `cache` (the rerun cache) and `store` (the output folder's
//!   own state: lock, cache, packets manifest);
//! - [`run`]: the engine every front end calls: [`run::Setup`], the pipeline for one
//!   employee, [`run::Run`] for a batch, and the filesystem and in-memory implementations
//!   of the seams;
//! - the front ends: `cli` parses arguments, builds the inputs, calls `Run` and prints;
//!   `serve` does the same for a browser.

// The run outcomes the unit tests share with the integration tests (`report::testdata`)
// name the library as the integration tests do.
#[cfg(test)]
extern crate self as permitpack;

pub mod assets;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod codes;
pub mod countries;
pub mod documents;
pub mod exit;
pub mod fsutil;
pub mod io;
pub mod issue;
pub mod limits;
pub mod model;
pub mod outcome;
pub mod packet;
pub mod photo;
pub mod platform;
pub mod quiet;
pub mod render;
pub mod report;
pub mod roster;
pub mod rules;
pub mod run;
pub mod serve;
pub mod spool;
pub mod store;
pub mod text;
pub mod upload;
