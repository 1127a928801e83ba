//! What can be wrong with a value of the model: the key it was given under and the problem, written as a message reads it (`rate_per_s must be positive, got -3`).

use std::borrow::Cow;

/// A value out of its range, or two values that contradict each other, naming the key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{key} {problem}")]
pub struct ValueError {
    /// The key (or, for a relation, the first key), like `rate_per_s` or `steps[2]`.
    pub key: Cow<'static, str>,
    /// What is wrong and what was expected, like `must be positive, got -3`.
    pub problem: Cow<'static, str>,
}

impl ValueError {
    /// The error of `key`: `problem`.
    pub fn new(
        key: impl Into<Cow<'static, str>>,
        problem: impl Into<Cow<'static, str>>,
    ) -> ValueError {
        ValueError {
            key: key.into(),
            problem: problem.into(),
        }
    }
}
