//! The questions coldsim answers, over runs of the engine: one run and its summary, the bill of a trace, policy comparisons, plans and sweeps. Never prints, never writes files.

pub mod coldcheck;
pub mod compare;
pub mod cost_scenario;
pub mod fit;
pub mod invoice;
pub mod plan;
pub mod platforms;
pub mod reconcile;
pub mod run;
pub mod summary;
pub mod sweep;
