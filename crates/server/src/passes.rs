//! Passes: the token a visitor's app shows as a QR code.
//!
//! A pass is
//! `P2.<kid>.<ticket>.<generation>.<premises>.<not_before>.<expires>.<validated>.<sig>`:
//! the text before the last dot signed with Ed25519 by the key `kid`, the
//! signature in base64url. The times are Unix seconds (the ticket's start,
//! and the pass's expiry); `validated` is 1 once the visitor's identity was
//! checked when the pass was issued. A turnstile holding the published
//! public keys can therefore decide offline; online, the server decides
//! from the ticket itself and also compares the generation, which a send or
//! a validation reset bumps, so older passes stop at once. Keys live in the database (every instance signs with the
//! same one) and rotate: the newest unretired key signs, a retired key is
//! still accepted and published for a pass's lifetime.
//!
//! A signature check costs tens of microseconds; the door sees the same few
//! passes over and over, so a verified token is remembered and the next
//! check of it is a map lookup.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use tessera_domain::access::{PASS_LIFETIME_SECONDS, pass_expiry};
use tessera_store::{PassClaim, PassKeyRow, PassState, Store, StoreError};

/// The version tag every pass starts with.
const TAG: &str = "P2";
/// How long an instance signs with what it read before looking for a
/// rotation made elsewhere.
const RELOAD_AFTER: Duration = Duration::from_secs(60);
/// An unknown key id makes an instance look again at most this often, so
/// forged ids cannot hammer the database.
const UNKNOWN_KID_RELOAD: Duration = Duration::from_secs(1);
/// Remembered verified passes; past this the memory starts over.
const VERIFIED_MAX: usize = 100_000;

/// A public key as published to turnstiles.
#[derive(Debug, Clone)]
pub struct PublicKey {
    /// Key id, as in the passes it signs.
    pub kid: String,
    /// The 32-byte public key, base64url.
    pub x: String,
}

struct Key {
    verifying: VerifyingKey,
    retired_at: Option<i64>,
}

impl Key {
    /// A retired key still opens passes it signed until they all expired.
    fn accepted(&self, now: i64) -> bool {
        self.retired_at
            .is_none_or(|r| r.saturating_add(PASS_LIFETIME_SECONDS) > now)
    }
}

struct Ring {
    signing: Option<(String, SigningKey)>,
    keys: HashMap<String, Key>,
    loaded_at: Instant,
}

/// The keys, loaded once and refreshed now and then, and the passes already verified.
#[derive(Clone)]
pub struct PassKeys {
    ring: Arc<RwLock<Option<Arc<Ring>>>>,
    reload: Arc<tokio::sync::Mutex<()>>,
    verified: Arc<Mutex<HashMap<String, (PassClaim, String)>>>,
}

impl Default for PassKeys {
    fn default() -> Self {
        PassKeys {
            ring: Arc::new(RwLock::new(None)),
            reload: Arc::new(tokio::sync::Mutex::new(())),
            verified: Arc::new(Mutex::new(HashMap::new())),
        }
    }
}

/// A key id: the first four bytes of the public key's SHA-256, in hex.
fn kid_of(key: &VerifyingKey) -> String {
    hex::encode(&Sha256::digest(key.as_bytes())[..4])
}

/// A new signing key, as stored.
pub fn new_key(now: i64) -> PassKeyRow {
    let secret: [u8; 32] = rand::random();
    let signing = SigningKey::from_bytes(&secret);
    PassKeyRow {
        kid: kid_of(&signing.verifying_key()),
        secret: URL_SAFE_NO_PAD.encode(secret),
        created_at: now,
        retired_at: None,
    }
}

fn decode_key(row: &PassKeyRow) -> Option<SigningKey> {
    let bytes: [u8; 32] = URL_SAFE_NO_PAD.decode(&row.secret).ok()?.try_into().ok()?;
    Some(SigningKey::from_bytes(&bytes))
}

/// The parts of a pass, before its signature is checked.
struct Parsed<'t> {
    kid: &'t str,
    signed: &'t str,
    signature: Signature,
    claim: PassClaim,
}

fn parse(token: &str) -> Option<Parsed<'_>> {
    let token = token.trim();
    let (signed, sig) = token.rsplit_once('.')?;
    let mut parts = signed.split('.');
    if parts.next()? != TAG {
        return None;
    }
    let kid = parts.next()?;
    let mut number = || parts.next()?.parse::<i64>().ok();
    let claim = PassClaim {
        ticket: number()?,
        generation: number()?,
        premises_id: number()?,
        not_before: number()?,
        expires_at: number()?,
        validated: match number()? {
            0 => false,
            1 => true,
            _ => return None,
        },
    };
    if parts.next().is_some() {
        return None;
    }
    let sig: [u8; 64] = URL_SAFE_NO_PAD.decode(sig).ok()?.try_into().ok()?;
    Some(Parsed {
        kid,
        signed,
        signature: Signature::from_bytes(&sig),
        claim,
    })
}

impl PassKeys {
    async fn ring(&self, store: &Store, fresh_if_older_than: Duration) -> Result<Arc<Ring>, StoreError> {
        if let Some(ring) = self.current()
            && ring.loaded_at.elapsed() < fresh_if_older_than
        {
            return Ok(ring);
        }
        let _one_at_a_time = self.reload.lock().await;
        if let Some(ring) = self.current()
            && ring.loaded_at.elapsed() < fresh_if_older_than
        {
            return Ok(ring);
        }
        let mut rows = store.pass_keys().await?;
        if !rows.iter().any(|r| r.retired_at.is_none()) {
            store
                .ensure_pass_key(new_key(jiff::Timestamp::now().as_second()))
                .await?;
            rows = store.pass_keys().await?;
        }
        let signing = rows
            .iter()
            .find(|r| r.retired_at.is_none())
            .and_then(|r| Some((r.kid.clone(), decode_key(r)?)));
        let keys = rows
            .iter()
            .filter_map(|r| {
                let key = decode_key(r)?;
                Some((
                    r.kid.clone(),
                    Key {
                        verifying: key.verifying_key(),
                        retired_at: r.retired_at,
                    },
                ))
            })
            .collect();
        let ring = Arc::new(Ring {
            signing,
            keys,
            loaded_at: Instant::now(),
        });
        if let Ok(mut slot) = self.ring.write() {
            *slot = Some(ring.clone());
        }
        Ok(ring)
    }

    fn current(&self) -> Option<Arc<Ring>> {
        self.ring.read().ok().and_then(|r| r.clone())
    }

    /// Forgets what was loaded, so the next use reads the keys again (after
    /// a rotation made by this process).
    pub fn forget(&self) {
        if let Ok(mut slot) = self.ring.write() {
            *slot = None;
        }
    }

    /// A pass for a ticket in the state it has now, issued at `now`.
    pub async fn issue(&self, store: &Store, number: i64, state: PassState, now: i64) -> Option<String> {
        let ring = self.ring(store, RELOAD_AFTER).await.ok()?;
        let (kid, key) = ring.signing.as_ref()?;
        let signed = format!(
            "{TAG}.{kid}.{number}.{}.{}.{}.{}.{}",
            state.pass_generation,
            state.premises_id,
            state.start_at,
            pass_expiry(now, state.end_at),
            u8::from(state.validated == 1)
        );
        let sig = key.sign(signed.as_bytes());
        Some(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes())))
    }

    /// What a pass claims, if one of our accepted keys signed it. Expiry is
    /// the caller's to judge: an expired pass still names its ticket.
    pub async fn verify(&self, store: &Store, token: &str, now: i64) -> Option<PassClaim> {
        let mut ring = self.ring(store, RELOAD_AFTER).await.ok()?;
        // The door's hot path: a pass seen before is answered under the lock,
        // without copying its key id out.
        let remembered = self.verified.lock().ok().and_then(|m| {
            m.get(token)
                .map(|(claim, kid)| ring.keys.get(kid).is_some_and(|k| k.accepted(now)).then_some(*claim))
        });
        if let Some(answer) = remembered {
            return answer;
        }
        let parsed = parse(token)?;
        if !ring.keys.contains_key(parsed.kid) {
            // Perhaps another instance rotated the keys a moment ago.
            ring = self.ring(store, UNKNOWN_KID_RELOAD).await.ok()?;
        }
        let key = ring.keys.get(parsed.kid).filter(|k| k.accepted(now))?;
        key.verifying
            .verify_strict(parsed.signed.as_bytes(), &parsed.signature)
            .ok()?;
        if let Ok(mut m) = self.verified.lock() {
            if m.len() >= VERIFIED_MAX {
                m.clear();
            }
            m.insert(token.to_owned(), (parsed.claim, parsed.kid.to_owned()));
        }
        Some(parsed.claim)
    }

    /// The public keys a turnstile needs to decide offline.
    pub async fn published(&self, store: &Store, now: i64) -> Result<Vec<PublicKey>, StoreError> {
        let ring = self.ring(store, RELOAD_AFTER).await?;
        let mut keys: Vec<PublicKey> = ring
            .keys
            .iter()
            .filter(|(_, k)| k.accepted(now))
            .map(|(kid, k)| PublicKey {
                kid: kid.clone(),
                x: URL_SAFE_NO_PAD.encode(k.verifying.as_bytes()),
            })
            .collect();
        keys.sort_by(|a, b| a.kid.cmp(&b.kid));
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_parses_into_its_claim_and_nothing_else_does() {
        let row = new_key(0);
        let key = decode_key(&row).expect("a key we made decodes");
        let signed = format!("P2.{}.7.2.3.100.999.1", row.kid);
        let token = format!(
            "{signed}.{}",
            URL_SAFE_NO_PAD.encode(key.sign(signed.as_bytes()).to_bytes())
        );
        let parsed = parse(&token).expect("parses");
        assert_eq!(parsed.claim.ticket, 7);
        assert_eq!(parsed.claim.generation, 2);
        assert_eq!(parsed.claim.premises_id, 3);
        assert_eq!(parsed.claim.not_before, 100);
        assert_eq!(parsed.claim.expires_at, 999);
        assert!(parsed.claim.validated);
        assert!(
            key.verifying_key()
                .verify_strict(parsed.signed.as_bytes(), &parsed.signature)
                .is_ok()
        );
        for bad in [
            "",
            "P2",
            &token[..token.len() - 3],
            &token.replacen("P2", "P1", 1),
            &token.replacen(".7.", ".8.", 1),
        ] {
            let ok = parse(bad).is_some_and(|p| {
                key.verifying_key()
                    .verify_strict(p.signed.as_bytes(), &p.signature)
                    .is_ok()
            });
            assert!(!ok, "{bad:?} must not verify");
        }
    }

    #[test]
    fn a_retired_key_is_accepted_for_one_pass_lifetime() {
        let key = Key {
            verifying: SigningKey::from_bytes(&[1; 32]).verifying_key(),
            retired_at: Some(1_000),
        };
        assert!(key.accepted(1_000 + PASS_LIFETIME_SECONDS - 1));
        assert!(!key.accepted(1_000 + PASS_LIFETIME_SECONDS));
    }
}
