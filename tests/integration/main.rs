//! The end-to-end and cross-module tests, compiled as one binary (one link of typst instead
//! of one per file). A module per area; `util` is the harness that runs the real binary.

mod alloc_count;
mod docs_fixture;
mod e2e_company;
mod hostile_common;
mod render_common;
mod report_data;
mod util;

mod cache_rerun;
mod calendar_plan;
mod e2e_checklist;
mod e2e_interrupt;
mod e2e_letters;
mod e2e_outputs;
mod hostile_folders;
mod hostile_glyphs;
mod hostile_inputs;
mod hostile_output;
mod hostile_roster;
mod packet_zip;
mod photo_cli;
mod photo_faces;
mod photo_limits;
mod polish_documents;
mod polish_terminal;
mod render_documents;
mod render_errors;
mod render_hostile;
mod report_html_chromium;
mod report_memory;
mod report_outputs;
mod roster_csv;
mod roster_fatal;
mod roster_init;
mod roster_ods;
mod roster_readme;
mod roster_samples;
mod roster_trust;
mod roster_xlsx;
mod rules_documents;
mod rules_verdicts;
mod serve;
mod serve_browser;
