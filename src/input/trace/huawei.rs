//! Huawei Cloud's 2025 public per-request traces (`huawei2025`): one row per request, its time and runtime in seconds, its function named as the release names it (`funcName---userID---pool`), its memory from the pool in its pod id.

use super::error::TraceError;
use super::names::{Names, name_field, new_function, new_id};
use super::row::{Decoded, TraceFunction};
use super::table::Table;
use crate::time::SimDuration;

/// The columns read, by name; the release's others are ignored.
pub(super) const HUAWEI2025_COLUMNS: &str = "time_worker,funcName,podID,userID,runtimeCost";

/// Where the columns of a `huawei2025` file are, and the first row's time.
#[derive(Debug)]
pub(super) struct Huawei2025 {
    time: usize,
    function: usize,
    pod: usize,
    user: usize,
    runtime: usize,
    /// The first row's time [µs since the release's day 0]: time 0.
    origin: Option<i64>,
}

/// A pod id's pool (`pool22-300-128` of `pool22-300-128-0006319574`) and the memory it gives
/// [MB]: the pool's third part; its second is the CPU limit in millicores.
fn pool(pod: &str) -> Option<(&str, u32)> {
    let mut parts = pod.splitn(4, '-');
    let (name, cpu, memory) = (parts.next()?, parts.next()?, parts.next()?);
    cpu.parse::<u32>().ok()?;
    let mb = memory.parse::<u32>().ok().filter(|mb| *mb > 0)?;
    Some((&pod[..name.len() + cpu.len() + memory.len() + 2], mb))
}

/// The pool and memory of the pod id in `column` of the current row.
fn pool_field(table: &Table, column: usize) -> Result<(&str, u32), TraceError> {
    pool(name_field(table, column, "a pod id")?).ok_or_else(|| {
        table.error(
            column,
            format!(
                "{} is not a pod id; expected POOL-MILLICORES-MB-NUMBER, like pool22-300-128-0006319574",
                table.shown(column)
            ),
        )
    })
}

impl Huawei2025 {
    pub(super) fn new(table: &Table) -> Result<Huawei2025, TraceError> {
        Ok(Huawei2025 {
            time: table.require("time_worker", HUAWEI2025_COLUMNS)?,
            function: table.require("funcName", HUAWEI2025_COLUMNS)?,
            pod: table.require("podID", HUAWEI2025_COLUMNS)?,
            user: table.require("userID", HUAWEI2025_COLUMNS)?,
            runtime: table.require("runtimeCost", HUAWEI2025_COLUMNS)?,
            origin: None,
        })
    }

    /// The column blamed for a row out of order.
    pub(super) fn time_column(&self) -> usize {
        self.time
    }

    pub(super) fn decode(
        &mut self,
        table: &Table,
        names: &mut Names,
        functions: &mut Vec<TraceFunction>,
    ) -> Result<Decoded, TraceError> {
        let at = i64::try_from(table.seconds(self.time)?).unwrap_or(i64::MAX);
        let exec = table.seconds(self.runtime)?;
        let origin = *self.origin.get_or_insert(at);
        let (pool_name, memory_mb) = pool_field(table, self.pod)?;
        let (func, user) = (table.field(self.function), table.field(self.user));
        names.set_key(&[func, user, pool_name.as_bytes()]);
        let id = match names.get(&names.key) {
            Some(id) => id,
            None => {
                let func = name_field(table, self.function, "a function number")?;
                let user = name_field(table, self.user, "a user number")?;
                let id = new_id(table, self.function, functions)?;
                let key = std::mem::take(&mut names.key);
                // The release's own function id.
                let name = names.insert(&key, id, &[format!("{func}---{user}---{pool_name}")]);
                names.key = key;
                let memory = (memory_mb <= 10_240).then_some(memory_mb);
                let mut f = new_function(name, memory);
                if memory.is_none() {
                    f.note = Some(format!(
                        "its pool's {memory_mb} MB is beyond Lambda's 10240 MB: the memory of [defaults] is used"
                    ));
                }
                functions.push(f);
                id
            }
        };
        Ok(Decoded {
            start: at - origin,
            function: id,
            exec: Some(SimDuration(exec)),
            memory_mb: functions[id as usize].memory_mb,
            tenant: None,
        })
    }
}

/// The cold-start records of the 2025 release (`cold_start/R*/*.csv`: `day,time,clusterName,
/// funcName,userID,requestID,totalCost_cold_start,…,podID`, times and costs in seconds), one
/// at a time.
pub struct ColdStarts {
    table: Table,
    time: usize,
    function: usize,
    user: usize,
    pod: usize,
    cost: usize,
}

/// One cold start as the release records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColdStart {
    /// The function, named as the per-request files name it: `funcName---userID---POOL`.
    pub function: String,
    /// When [µs since the release's day 0].
    pub at_us: i64,
    /// Its whole cost: pod allocation, code and dependency deployment, scheduling [µs].
    pub cost_us: u64,
    /// The memory of its pod's pool [MB].
    pub memory_mb: u32,
}

/// The columns read from a cold-start file.
const COLD_START_COLUMNS: &str = "time,funcName,userID,totalCost_cold_start,podID";

impl ColdStarts {
    /// Opens a cold-start file.
    pub fn open(path: &std::path::Path) -> Result<ColdStarts, TraceError> {
        let table = Table::open(super::files::Files::Disk, path)?;
        Ok(ColdStarts {
            time: table.require("time", COLD_START_COLUMNS)?,
            function: table.require("funcName", COLD_START_COLUMNS)?,
            user: table.require("userID", COLD_START_COLUMNS)?,
            pod: table.require("podID", COLD_START_COLUMNS)?,
            cost: table.require("totalCost_cold_start", COLD_START_COLUMNS)?,
            table,
        })
    }

    /// The next record, or `None` at the end.
    pub fn next_cold_start(&mut self) -> Result<Option<ColdStart>, TraceError> {
        if !self.table.next()? {
            return Ok(None);
        }
        let t = &self.table;
        let at_us = i64::try_from(t.seconds(self.time)?).unwrap_or(i64::MAX);
        let cost_us = t.seconds(self.cost)?;
        let (pool_name, memory_mb) = pool_field(t, self.pod)?;
        let func = name_field(t, self.function, "a function number")?;
        let user = name_field(t, self.user, "a user number")?;
        Ok(Some(ColdStart {
            function: format!("{func}---{user}---{pool_name}"),
            at_us,
            cost_us,
            memory_mb,
        }))
    }
}

/// The time of the first row of a per-request file [µs since the release's day 0]: its time 0.
pub fn first_request_us(path: &std::path::Path) -> Result<Option<i64>, TraceError> {
    let mut table = Table::open(super::files::Files::Disk, path)?;
    let time = table.require("time_worker", HUAWEI2025_COLUMNS)?;
    if !table.next()? {
        return Ok(None);
    }
    Ok(Some(
        i64::try_from(table.seconds(time)?).unwrap_or(i64::MAX),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pod_id_gives_its_pool_and_memory() {
        assert_eq!(
            pool("pool22-300-128-0006319574"),
            Some(("pool22-300-128", 128))
        );
        assert_eq!(pool("pool7-1000-4096-1"), Some(("pool7-1000-4096", 4096)));
        for bad in [
            "pool22",
            "pool22-300",
            "pool22-x-128-1",
            "pool22-300-0-1",
            "pool22-300-y",
        ] {
            assert_eq!(pool(bad), None, "{bad}");
        }
    }
}
