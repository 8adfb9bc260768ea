//! A list's query string read the same way by every list: a positive
//! number, a period of days, comma-separated statuses; the faults are
//! gathered and answered together as one 400.

use jiff::civil::Date;
use tessera_domain::refusal::Refusal;

use crate::error::{FieldFault, Problem};
use crate::field_text::Malformed;
use crate::wire::parse_date;

/// A positive whole number; empty or absent is none.
pub fn positive_query_number(field: &str, raw: Option<&str>, errors: &mut Vec<FieldFault>) -> Option<i64> {
    let n = raw.map(str::trim).filter(|s| !s.is_empty())?;
    match n.parse::<i64>() {
        Ok(v) if v > 0 => Some(v),
        _ => {
            errors.push(FieldFault {
                field: field.into(),
                refusal: Refusal::NotPositiveNumber,
            });
            None
        }
    }
}

/// `from` and `to` (`YYYY-MM-DD`, both included); `to` before `from` is refused.
pub fn query_days(from: Option<&str>, to: Option<&str>, errors: &mut Vec<FieldFault>) -> (Option<Date>, Option<Date>) {
    let from = from
        .filter(|s| !s.is_empty())
        .and_then(|s| parse_date("from", s, errors));
    let to = to.filter(|s| !s.is_empty()).and_then(|s| parse_date("to", s, errors));
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.push(FieldFault {
            field: "to".into(),
            refusal: Refusal::BeforeStart,
        });
    }
    (from, to)
}

/// Comma-separated statuses, each once; an unknown one is refused with the
/// list of known ones.
pub fn query_statuses<S: Copy + PartialEq>(
    raw: Option<&str>,
    parse: fn(&str) -> Option<S>,
    names: &[&str],
    errors: &mut Vec<FieldFault>,
) -> Vec<S> {
    let mut statuses = Vec::new();
    for s in raw.unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match parse(s) {
            Some(st) if !statuses.contains(&st) => statuses.push(st),
            Some(_) => {}
            None => errors.push(FieldFault {
                field: "status".into(),
                refusal: Refusal::Expected(names.iter().map(|n| (*n).to_owned()).collect()),
            }),
        }
    }
    statuses
}

/// The gathered faults as one answer: a query string is not a body of
/// values, so the contract calls a bad one a 400.
pub fn refuse_query(errors: Vec<FieldFault>) -> Result<(), Problem> {
    if errors.is_empty() {
        return Ok(());
    }
    let values = errors.into_iter().map(|e| (e.field, e.refusal)).collect();
    Err(Problem::Malformed(Malformed::Values(values)))
}
