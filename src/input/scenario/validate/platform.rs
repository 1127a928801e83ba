//! `[platform]`: which platform (`kind`) and its own settings (Cloud Run's billing, Managed Instances' instance type), the account's concurrency, routing, lifetimes, a memory-bounded pool, the scaling rate and the database's connection limit.

use super::super::ScenarioError;
use super::super::locate::{Checker, Seg};
use super::super::raw::{RawLifetime, RawPlatform};
use super::values::shown;
use crate::cost::BillingModel;
use crate::model::dist::TimeDist;
use crate::model::platform;
use crate::model::scenario::{MAX_ACCOUNT_CONCURRENCY, Platform, ProactiveInit};
use crate::time::SimDuration;

/// Checks `[platform]`, filling in the defaults of its kind (AWS Lambda's by default).
pub(super) fn platform(raw: &RawPlatform, check: &Checker<'_>) -> Result<Platform, ScenarioError> {
    let at = |k: &'static str| [Seg::Key("platform"), Seg::Key(k)];
    let kind = raw.kind.unwrap_or_default();
    let name = kind.as_str();
    if raw.billing.is_some() && kind != BillingModel::GoogleCloudRun {
        return Err(check.invalid(
            &at("billing"),
            format!("only google-cloud-run offers a choice of billing (request or instance); platform.kind is {name}"),
        ));
    }
    if raw.instance_type.is_some() && kind != BillingModel::AwsLambdaManagedInstances {
        return Err(check.invalid(
            &at("instance_type"),
            format!("only aws-lambda-managed-instances runs on instance types you choose; platform.kind is {name}"),
        ));
    }
    let account_concurrency = raw
        .account_concurrency
        .unwrap_or(platform::default_account_concurrency(kind).unwrap_or(MAX_ACCOUNT_CONCURRENCY));
    if account_concurrency == 0 || account_concurrency > MAX_ACCOUNT_CONCURRENCY {
        return Err(check.invalid(
            &at("account_concurrency"),
            format!("must be between 1 and {MAX_ACCOUNT_CONCURRENCY}, got {account_concurrency} (memory grows with the containers alive at once)"),
        ));
    }
    let max_lifetime = match &raw.max_lifetime {
        None => None,
        Some(RawLifetime::Span(l)) if l.as_micros() == 0 => {
            return Err(check.invalid(&at("max_lifetime"), "must be longer than 0s"));
        }
        Some(RawLifetime::Span(l)) => Some(TimeDist::Constant(*l)),
        Some(RawLifetime::Dist(d)) => Some(
            d.validate()
                .map_err(|m| check.invalid(&at("max_lifetime"), m))?,
        ),
    };
    let proactive_init = match &raw.proactive_init {
        None => None,
        Some(p) => {
            if kind != BillingModel::AwsLambda {
                return Err(check.invalid(
                    &at("proactive_init"),
                    format!("proactive initialization is AWS Lambda's (aws-lambda); platform.kind is {name}"),
                ));
            }
            if !(p.share.is_finite() && (0.0..=1.0).contains(&p.share)) {
                return Err(check.invalid(
                    &at("proactive_init"),
                    format!(
                        "share must be a fraction from 0 to 1, got {}",
                        shown(p.share)
                    ),
                ));
            }
            if max_lifetime.is_none() {
                return Err(check.invalid(
                    &at("proactive_init"),
                    "replaces containers retired at their maximum lifetime: set platform.max_lifetime too (Lambda's is about 2h)",
                ));
            }
            if let Some(TimeDist::Constant(l)) = max_lifetime {
                if p.lead >= l {
                    return Err(check.invalid(
                        &at("proactive_init"),
                        format!("lead ({}) must be shorter than max_lifetime ({l})", p.lead),
                    ));
                }
            }
            Some(ProactiveInit {
                share: p.share,
                lead: p.lead,
            })
        }
    };
    if let Some(c) = raw.capacity_gb {
        if !(c.is_finite() && c > 0.0 && c <= 1e9) {
            return Err(check.invalid(
                &at("capacity_gb"),
                format!("must be a positive number of GB, got {}", shown(c)),
            ));
        }
    }
    if raw.eviction.is_some() && raw.capacity_gb.is_none() {
        return Err(check.invalid(
            &at("eviction"),
            "an eviction rule needs a bounded pool: set capacity_gb too",
        ));
    }
    let default_scaling = platform::default_scaling(kind);
    let scaling = match (
        raw.scale_environments
            .unwrap_or(default_scaling.map_or(0, |s| s.0)),
        raw.scale_every.unwrap_or(SimDuration::from_secs(10)),
    ) {
        (0, _) => None,
        (_, every) if every.as_micros() == 0 => {
            return Err(check.invalid(&at("scale_every"), "must be longer than 0s"));
        }
        (n, every) => Some((n, every)),
    };
    Ok(Platform {
        kind,
        account_concurrency,
        routing: raw.routing.unwrap_or_default(),
        max_lifetime,
        proactive_init,
        capacity_gb: raw.capacity_gb,
        eviction: raw.eviction.unwrap_or_default(),
        max_connections: raw.max_connections,
        scaling,
    })
}
