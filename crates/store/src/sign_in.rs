//! Sign-in and sign-up attempts, counted in the database so that every
//! instance sees the same counts. The rule (limits, verdict) is the
//! domain's ([`tessera_domain::sign_in`]); this module counts and reserves
//! in one transaction, so parallel attempts cannot all slip under a limit.

use tessera_domain::sign_in::{
    SignInCounts, SignInLimits, SignInVerdict, SignUpLimits, sign_in_verdict, sign_up_verdict,
};

use crate::{Conn, Dialect, Result, Store, args, sql};

/// Attempts older than this are swept: the longest window counted.
pub const KEPT_SECONDS: i64 = 3600;

/// A sign-in attempt let through: check the password after `delay`, then
/// report the outcome with its id ([`Store::sign_in_failed`],
/// [`Store::sign_in_succeeded`], or [`Store::release_sign_in`] if unchecked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInAttempt {
    /// The attempt's row: a failure until [`Store::sign_in_succeeded`] removes it.
    pub id: i64,
    /// The verdict's wait before the check.
    pub delay: std::time::Duration,
}

/// Serialises attempts on one key across PostgreSQL instances until the
/// transaction ends (SQLite has one writer, which does the same).
async fn lock_key(c: &mut Conn<'_>, key: &str) -> Result<()> {
    if c.dialect() == Dialect::Postgres {
        c.exec("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))", &args![key])
            .await?;
    }
    Ok(())
}

/// Leaves an attempt counted as a failure.
async fn mark_failed(c: &mut Conn<'_>, attempt: i64) -> Result<()> {
    c.exec(
        sql!(c, "UPDATE sign_in_attempts SET failed = TRUE WHERE id = $1"),
        &args![attempt],
    )
    .await?;
    Ok(())
}

type CountRow = (i64, Option<i64>, i64, Option<i64>, i64);

async fn counts(c: &mut Conn<'_>, email: &str, address: &str, since: i64) -> Result<SignInCounts> {
    let (pair, pair_oldest, by_address, address_oldest, elsewhere): CountRow = c
        .one(
            sql!(
                c,
                "SELECT
                   (SELECT COUNT(*) FROM sign_in_attempts WHERE email = $1 AND address = $2 AND kind = 'sign_in' AND at > $3),
                   (SELECT MIN(at) FROM sign_in_attempts WHERE email = $1 AND address = $2 AND kind = 'sign_in' AND at > $3),
                   (SELECT COUNT(*) FROM sign_in_attempts WHERE address = $2 AND $2 <> '' AND kind = 'sign_in' AND at > $3),
                   (SELECT MIN(at) FROM sign_in_attempts WHERE address = $2 AND $2 <> '' AND kind = 'sign_in' AND at > $3),
                   (SELECT COUNT(*) FROM sign_in_attempts WHERE email = $1 AND address <> $2 AND kind = 'sign_in' AND at > $3)"
            ),
            &args![email, address, since],
        )
        .await?;
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(SignInCounts {
        pair: n(pair),
        pair_oldest,
        address: n(by_address),
        address_oldest,
        email_elsewhere: n(elsewhere),
    })
}

impl Store {
    /// Counts and, if the limits allow, reserves a sign-in attempt for an
    /// e-mail (normalised by the caller) from an address (`""` when
    /// unknown). `Err(seconds)` when refused: nothing is written then.
    pub async fn reserve_sign_in(
        &self,
        email: String,
        address: String,
        limits: SignInLimits,
        now: i64,
    ) -> Result<Result<SignInAttempt, u64>> {
        self.write(move |mut c| {
            Box::pin(async move {
                lock_key(&mut c, &format!("sign-in e-mail {email}")).await?;
                if !address.is_empty() {
                    lock_key(&mut c, &format!("sign-in address {address}")).await?;
                }
                let since = now.saturating_sub(limits.window_seconds);
                let counted = counts(&mut c, &email, &address, since).await?;
                let delay = match sign_in_verdict(&limits, &counted, now) {
                    SignInVerdict::Refuse { retry_after } => return Ok(Err(retry_after)),
                    SignInVerdict::Allow { delay } => delay,
                };
                let (id,): (i64,) = c
                    .one(
                        sql!(
                            c,
                            "INSERT INTO sign_in_attempts (kind, email, address, at) VALUES ('sign_in', $1, $2, $3) RETURNING id"
                        ),
                        &args![email, address, now],
                    )
                    .await?;
                Ok(Ok(SignInAttempt { id, delay }))
            })
        })
        .await
    }

    /// A reserved attempt whose password was never checked (the server was
    /// too busy): it does not count.
    pub async fn release_sign_in(&self, id: i64) -> Result<()> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.exec(sql!(c, "DELETE FROM sign_in_attempts WHERE id = $1"), &args![id])
                    .await?;
                Ok(())
            })
        })
        .await
    }

    /// A wrong password (or an unknown e-mail): the attempt stays, as a failure.
    pub async fn sign_in_failed(&self, attempt: i64) -> Result<()> {
        self.write(move |mut c| Box::pin(async move { mark_failed(&mut c, attempt).await }))
            .await
    }

    /// A right password: the attempt and the failures of this e-mail from
    /// this address no longer count (other addresses' failures do). While
    /// other attempts of the pair are still in flight (a burst of guesses),
    /// nothing is cleared and this attempt keeps counting, so a right
    /// password inside a burst opens no room for more checks.
    pub async fn sign_in_succeeded(&self, attempt: i64, email: String, address: String) -> Result<()> {
        self.write(move |mut c| {
            Box::pin(async move {
                lock_key(&mut c, &format!("sign-in e-mail {email}")).await?;
                let in_flight = c
                    .scalar(
                        sql!(
                            c,
                            "SELECT COUNT(*) FROM sign_in_attempts
                             WHERE kind = 'sign_in' AND email = $1 AND address = $2 AND NOT failed AND id <> $3"
                        ),
                        &args![email.as_str(), address.as_str(), attempt],
                    )
                    .await?;
                if in_flight > 0 {
                    mark_failed(&mut c, attempt).await?;
                } else {
                    c.exec(
                        sql!(
                            c,
                            "DELETE FROM sign_in_attempts WHERE id = $3
                               OR (kind = 'sign_in' AND email = $1 AND address = $2 AND failed)"
                        ),
                        &args![email, address, attempt],
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    /// Counts a sign-up from an address if the limits allow it;
    /// `Err(seconds)` when refused. A failed sign-up counts too: trying
    /// e-mails is what the limit is against.
    pub async fn reserve_sign_up(&self, address: String, limits: SignUpLimits, now: i64) -> Result<Result<(), u64>> {
        self.write(move |mut c| {
            Box::pin(async move {
                lock_key(&mut c, &format!("sign-up address {address}")).await?;
                let since = now.saturating_sub(limits.window_seconds);
                let (count, oldest): (i64, Option<i64>) = c
                    .one(
                        sql!(
                            c,
                            "SELECT COUNT(*), MIN(at) FROM sign_in_attempts WHERE address = $1 AND kind = 'sign_up' AND at > $2"
                        ),
                        &args![address.as_str(), since],
                    )
                    .await?;
                if let Err(wait) = sign_up_verdict(&limits, u32::try_from(count).unwrap_or(u32::MAX), oldest, now) {
                    return Ok(Err(wait));
                }
                c.exec(
                    sql!(
                        c,
                        "INSERT INTO sign_in_attempts (kind, email, address, at) VALUES ('sign_up', '', $1, $2)"
                    ),
                    &args![address, now],
                )
                .await?;
                Ok(Ok(()))
            })
        })
        .await
    }
}

/// Forgets attempts no window counts any more (the sweep calls it).
pub(crate) async fn forget_old_attempts(c: &mut Conn<'_>, now: i64) -> Result<u64> {
    c.exec(
        sql!(c, "DELETE FROM sign_in_attempts WHERE at <= $1"),
        &args![now.saturating_sub(KEPT_SECONDS)],
    )
    .await
}
