//! Values bound to a query, the same for both backends.

/// One bound value. Both schemas use only integers, text and booleans, so
/// these few cases carry every column.
#[derive(Debug, Clone)]
pub enum Arg {
    /// An integer (ids, numbers, instants, day numbers).
    Int(i64),
    /// A nullable integer.
    OptInt(Option<i64>),
    /// Text (names, decimals, statuses).
    Text(String),
    /// Nullable text.
    OptText(Option<String>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}

impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::OptInt(v)
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_owned())
    }
}

impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::OptText(v)
    }
}

impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::OptText(v.map(str::to_owned))
    }
}

/// Builds an array of [`Arg`]s from values of mixed types.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => { [$($crate::Arg::from($v)),*] };
}
