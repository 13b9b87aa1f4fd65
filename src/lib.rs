//! permitpack: prepares combined Work Permit + Residence Permit extension packets for the
//! foreign employees of a company in mainland China.
//!
//! The pipeline, one module per stage, exchanging plain data (see `model` and `issue`):
//! `roster` (spreadsheet -> employees + cell problems) -> `rules` (window, term, fee,
//! checklist, working days) -> `photo` (measure and judge) -> `documents` (match scans) ->
//! `render` (PDFs) -> `packet` (zip) -> `report` (json/csv/xlsx/html). [`run::Run`] runs
//! them for every front end, reading through [`io::Inputs`] and writing to [`io::Sink`];
//! `cli` parses arguments, builds the inputs, calls `Run` and prints.

pub mod assets;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod countries;
pub mod documents;
pub mod fsutil;
pub mod io;
pub mod issue;
pub mod limits;
pub mod model;
pub mod outcome;
pub mod packet;
pub mod photo;
pub mod platform;
pub mod render;
pub mod report;
pub mod roster;
pub mod rules;
pub mod run;
pub mod serve;
pub mod spool;
pub mod store;
pub mod upload;
