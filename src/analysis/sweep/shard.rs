//! Shards of a grid: which points shard `I/N` runs (those whose index mod `N` is `I`), `--shard I/N` parsed, and the shard taken from a Slurm array or a Kubernetes Indexed Job.

pub(super) fn check_shard(i: u32, n: u32) -> Result<(), String> {
    if n == 0 || i >= n {
        return Err(format!(
            "shard {i}/{n}: write I/N with 0 <= I < N, like --shard 0/10"
        ));
    }
    Ok(())
}

/// Parses `--shard I/N` (0-based: shard `I` of `N` runs the points with index mod N = I).
pub fn parse_shard(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("--shard {text}: write I/N with 0 <= I < N, like --shard 0/10");
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let i: u32 = i.trim().parse().map_err(|_| bad())?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    check_shard(i, n).map_err(|_| bad())?;
    Ok((i, n))
}

/// The shard to run: `--shard` if given; else an index from a Slurm array
/// (`(SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP`) or a Kubernetes
/// Indexed Job (`JOB_COMPLETION_INDEX`), with the count from `--shards`, `COLDSIM_SHARDS` or
/// `SLURM_ARRAY_TASK_COUNT`, in that order; else none. `env` looks a variable up.
pub fn shard_from_env(
    explicit: Option<(u32, u32)>,
    shards: Option<u32>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<(u32, u32)>, String> {
    if explicit.is_some() {
        return Ok(explicit);
    }
    let num = |name: &str| -> Result<Option<u32>, String> {
        match env(name) {
            None => Ok(None),
            Some(v) if v.trim().is_empty() => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| format!("{name}={v}: expected a whole number")),
        }
    };
    let slurm = match num("SLURM_ARRAY_TASK_ID")? {
        Some(id) => {
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let step = num("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
            let i = id.checked_sub(min).ok_or_else(|| {
                format!("SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}")
            })?;
            Some(i / step)
        }
        None => None,
    };
    let (index, from) = match (slurm, num("JOB_COMPLETION_INDEX")?) {
        (Some(i), _) => (Some(i), "SLURM_ARRAY_TASK_ID"),
        (None, Some(i)) => (Some(i), "JOB_COMPLETION_INDEX"),
        (None, None) => (None, ""),
    };
    let count = match (shards, num("COLDSIM_SHARDS")?) {
        (Some(n), _) | (None, Some(n)) => Some(n),
        (None, None) if slurm.is_some() => num("SLURM_ARRAY_TASK_COUNT")?,
        (None, None) => None,
    };
    match (index, count) {
        (None, None) => Ok(None),
        (None, Some(n)) => Err(format!(
            "{n} shards but no shard index: pass --shard I/{n}, or run in a Slurm array (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)"
        )),
        (Some(i), None) => Err(format!(
            "{from}={i} but the number of shards is unknown: pass --shards N or set COLDSIM_SHARDS"
        )),
        (Some(i), Some(n)) => {
            check_shard(i, n).map_err(|_| {
                format!(
                    "{from} gives shard {i}, but there are {n} shards (--shards or COLDSIM_SHARDS)"
                )
            })?;
            Ok(Some((i, n)))
        }
    }
}
