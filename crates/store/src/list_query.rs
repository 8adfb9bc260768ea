//! What the ticket list and the orders list share: SQL built with bound
//! values only, index ranges ("parts") whose union holds every match, and
//! the choice of the plan that visits the fewest entries.
//!
//! A single query plan cannot be fast for every filter: walking numbers
//! downward is ideal when many rows match, hopeless when few do. So each
//! filter with an index offers a plan; the list counts, up to a bound, what
//! each plan would visit and takes the smallest. When every plan is large,
//! matches are common and walking the numbers finds a page quickly.

use crate::{Arg, Conn, Dialect, Result};

/// How many index entries a plan may visit before walking the numbers is
/// the better plan.
pub(crate) const DRIVE_BOUND: i64 = 4000;

/// Builds SQL with numbered placeholders in the right dialect; every value
/// is bound, never spliced.
pub(crate) struct Query {
    dialect: Dialect,
    pub(crate) sql: String,
    pub(crate) args: Vec<Arg>,
}

impl Query {
    pub(crate) fn new(dialect: Dialect) -> Self {
        Query {
            dialect,
            sql: String::new(),
            args: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, s: &str) -> &mut Self {
        self.sql.push_str(s);
        self
    }

    pub(crate) fn bind(&mut self, a: impl Into<Arg>) -> &mut Self {
        self.args.push(a.into());
        let mark = match self.dialect {
            Dialect::Sqlite => '?',
            Dialect::Postgres => '$',
        };
        self.sql.push(mark);
        self.sql.push_str(&self.args.len().to_string());
        self
    }

    /// `FROM table alias`, with SQLite told which index reads the part (its
    /// planner cannot know which range is small).
    pub(crate) fn from(&mut self, table: &str, alias: &str, part: &Part) -> &mut Self {
        self.push(" FROM ").push(table).push(" ").push(alias);
        if self.dialect == Dialect::Sqlite {
            match part.index {
                Some(index) => self.push(" INDEXED BY ").push(index),
                None => self.push(" NOT INDEXED"),
            };
        }
        self
    }
}

/// One index range of a plan.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    /// SQLite index to read (`None`: walk the numbers).
    pub(crate) index: Option<&'static str>,
    /// Extra condition that selects this part's range.
    pub(crate) condition: Vec<Cond>,
}

impl Part {
    /// Reading one index (whose entries the whole filter then checks).
    pub(crate) fn by(index: &'static str) -> Part {
        Part {
            index: Some(index),
            condition: vec![],
        }
    }

    /// Walking the numbers downward.
    pub(crate) fn walk() -> Part {
        Part {
            index: None,
            condition: vec![],
        }
    }
}

/// A condition fragment with its bound values.
#[derive(Debug, Clone)]
pub(crate) enum Cond {
    Sql(&'static str),
    Arg(Arg),
}

pub(crate) fn cond(parts: &[Cond], q: &mut Query) {
    for c in parts {
        match c {
            Cond::Sql(s) => {
                q.push(s);
            }
            Cond::Arg(a) => {
                q.bind(a.clone());
            }
        }
    }
}

pub(crate) fn arg(v: impl Into<Arg>) -> Cond {
    Cond::Arg(v.into())
}

/// The condition "matches any of these parts", for plans driven by another index.
pub(crate) fn any_of(parts: Vec<Part>) -> Vec<Cond> {
    let mut out = vec![Cond::Sql(" AND (1 = 0")];
    for part in parts {
        out.push(Cond::Sql(" OR (1 = 1"));
        out.extend(part.condition);
        out.push(Cond::Sql(")"));
    }
    out.push(Cond::Sql(")"));
    out
}

/// The index of the candidate plan that visits the fewest entries of
/// `table`, if any visits fewer than [`DRIVE_BOUND`]; `None`: walk the numbers.
pub(crate) async fn cheapest(
    c: &mut Conn<'_>,
    table: &str,
    alias: &str,
    candidates: &[Vec<Part>],
) -> Result<Option<usize>> {
    let dialect = c.dialect();
    let mut best = DRIVE_BOUND;
    let mut chosen = None;
    for (i, candidate) in candidates.iter().enumerate() {
        let mut visited = 0;
        for part in candidate {
            let mut q = Query::new(dialect);
            q.push("SELECT COUNT(*) FROM (SELECT 1").from(table, alias, part);
            // The index range alone, not the cursor: a probe must visit at
            // most DRIVE_BOUND entries, and a residual condition would make
            // it scan on for matches.
            q.push(" WHERE 1 = 1");
            cond(&part.condition, &mut q);
            q.push(" LIMIT ").bind(DRIVE_BOUND).push(") x");
            visited += c.scalar(&q.sql, &q.args).await?;
            if visited >= best {
                break;
            }
        }
        if visited < best {
            best = visited;
            chosen = Some(i);
        }
    }
    Ok(chosen)
}
