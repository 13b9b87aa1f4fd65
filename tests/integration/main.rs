//! The end-to-end and cross-module tests, compiled as one binary (one link of typst instead
//! of one per file). A module per area; `util` is the harness that runs the real binary,
//! `fixtures` what the tests run on, `report` a typed view of report.json.

mod alloc_count;
mod fixtures;
mod report;
mod util;

mod cache_rerun;
mod calendar_plan;
mod documents_by_person;
mod e2e_checklist;
mod e2e_interrupt;
mod e2e_letters;
mod e2e_outputs;
mod inputs_files;
mod inputs_folders;
mod output_folder;
mod packet_documents;
mod packet_zip;
mod photo_cli;
mod photo_faces;
mod photo_limits;
mod platform_form;
mod render_documents;
mod render_errors;
mod render_field_values;
mod render_glyphs;
mod report_html_chromium;
mod report_memory;
mod report_outputs;
mod roster_csv;
mod roster_fatal;
mod roster_hr_folders;
mod roster_init;
mod roster_limits;
mod roster_ods;
mod roster_readme;
mod roster_samples;
mod roster_trust;
mod roster_xlsx;
mod rules_documents;
mod rules_hr_company;
mod rules_verdicts;
mod serve;
mod serve_browser;
mod terminal_output;
mod upload_ready;
