//! Price sheets and the pure bills: usage counted in integers by the engine, turned into dollars once, here, by the billing model of the platform. A leaf: reads no files (the sheets' bytes come from `input`).

mod azure;
mod cloud_run;
mod flex;
mod lambda;
mod managed;
mod prices;
mod sheet;
mod usage;

pub use azure::{
    AZURE_CONSUMPTION_EAST_US, ConsumptionFreeGrant, ConsumptionSheet, ExecutionTime, Executions,
};
pub use cloud_run::{
    CLOUD_RUN_US_CENTRAL1, CloudRunFree, CloudRunSheet, InstanceBased, RequestBased,
};
pub use flex::{
    AZURE_FLEX_EAST_US, Activity, FlexAlwaysReady, FlexFreeGrant, FlexOnDemand, FlexSheet,
};
pub use lambda::{
    AWS_US_EAST_1, DurationPrices, FreeTier, PriceSheet, ProvisionedPrices, RequestPrices,
    StoragePrices, Tier, bill, bill_scaled,
};
pub use managed::{InstanceType, MANAGED_US_EAST_1, ManagedSheet, Reserved, environments_per_host};
pub use prices::Prices;
pub use sheet::{MAX_ROUNDING_MS, MAX_SHEET_BYTES, SheetError};
pub use usage::{
    Arch, Billed, BillingModel, CloudRunBilling, Cost, CostOptions, Host, InitBilling,
    MB_MS_PER_GB_S, MONTH_S, Package, PerArch, PeriodRule, RequestRule, Usage, billed_ms,
};
