//! The one integration-test binary: hand-computed scenarios, closed-form checks and the command line.

mod chart;
mod cli;
mod closed_form;
mod cost;
mod exact;
mod gentrace;
mod hardening;
mod invariants;
mod policy;
mod sweep;
