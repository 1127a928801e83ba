//! The settings of `coldsim gen-trace`, checked: how many functions, how many days, the invocations a weekday is scaled to, and the seed.

/// Most functions a region may have.
pub const MAX_FUNCTIONS: u64 = 10_000_000;
/// Most days a region may span: the dataset's 14.
pub const MAX_DAYS: u32 = 14;
/// Most invocations a weekday may be asked for: about 1.2 million a second, a hundred times a
/// large region, and far inside what a minute's count (`u32`) holds.
pub const MAX_INVOCATIONS_PER_DAY: u64 = 100_000_000_000;

/// A checked region to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub(super) functions: u64,
    pub(super) days: u32,
    pub(super) invocations_per_day: Option<u64>,
    pub(super) seed: u64,
}

impl Config {
    /// Checks the settings: 1 to [`MAX_FUNCTIONS`] functions, 1 to [`MAX_DAYS`] days, and
    /// 1 to [`MAX_INVOCATIONS_PER_DAY`] invocations a weekday when given. An error names the
    /// setting first (`functions: ...`).
    pub fn new(
        functions: u64,
        days: u64,
        invocations_per_day: Option<u64>,
        seed: u64,
    ) -> Result<Config, String> {
        if !(1..=MAX_FUNCTIONS).contains(&functions) {
            return Err(format!(
                "functions: must be between 1 and {MAX_FUNCTIONS}, got {functions}"
            ));
        }
        let days = match u32::try_from(days) {
            Ok(d @ 1..=MAX_DAYS) => d,
            _ => {
                return Err(format!(
                    "days: must be between 1 and {MAX_DAYS} (the dataset's two weeks), got {days}"
                ));
            }
        };
        if let Some(n) = invocations_per_day {
            if !(1..=MAX_INVOCATIONS_PER_DAY).contains(&n) {
                return Err(format!(
                    "invocations-per-day: must be between 1 and {MAX_INVOCATIONS_PER_DAY}, got {n}"
                ));
            }
        }
        Ok(Config {
            functions,
            days,
            invocations_per_day,
            seed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_settings_name_themselves() {
        let err = |f, d, t| Config::new(f, d, t, 0).expect_err("refused");
        assert!(err(0, 1, None).starts_with("functions: "));
        assert!(err(MAX_FUNCTIONS + 1, 1, None).starts_with("functions: "));
        assert!(err(10, 0, None).starts_with("days: "));
        assert!(err(10, 15, None).starts_with("days: "));
        assert!(err(10, u64::MAX, None).starts_with("days: "));
        assert!(err(10, 1, Some(0)).starts_with("invocations-per-day: "));
        assert!(err(10, 1, Some(MAX_INVOCATIONS_PER_DAY + 1)).starts_with("invocations-per-day: "));
        assert!(Config::new(MAX_FUNCTIONS, MAX_DAYS.into(), Some(1), 0).is_ok());
    }
}
