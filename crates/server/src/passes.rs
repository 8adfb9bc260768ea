//! Passes: the token a visitor's app shows as a QR code. A pass names its
//! ticket and the ticket's pass generation, signed with a key every instance
//! shares (kept in the database). Sending the ticket or resetting its
//! validation bumps the generation, so every earlier pass stops working.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tessera_store::{PassClaim, Store};
use tokio::sync::OnceCell;

/// The signing key, loaded once.
#[derive(Clone, Default)]
pub struct PassKeys {
    key: Arc<OnceCell<Vec<u8>>>,
}

impl PassKeys {
    async fn key(&self, store: &Store) -> Option<&[u8]> {
        self.key
            .get_or_try_init(|| async {
                let candidate = crate::auth::new_token();
                let value = store.setting_or_init("pass_key", candidate).await?;
                Ok::<_, tessera_store::StoreError>(value.into_bytes())
            })
            .await
            .ok()
            .map(Vec::as_slice)
    }

    fn mac(key: &[u8], message: &str) -> Option<Hmac<Sha256>> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
        mac.update(message.as_bytes());
        Some(mac)
    }

    /// A pass for a ticket at a generation.
    pub async fn issue(&self, store: &Store, ticket: i64, generation: i64) -> Option<String> {
        let key = self.key(store).await?;
        let message = format!("{ticket}.{generation}");
        let sig = Self::mac(key, &message)?.finalize().into_bytes();
        Some(format!("{message}.{}", URL_SAFE_NO_PAD.encode(sig)))
    }

    /// What a pass claims, if its signature is ours (checked in constant time).
    pub async fn verify(&self, store: &Store, token: &str) -> Option<PassClaim> {
        let key = self.key(store).await?;
        let mut parts = token.trim().splitn(3, '.');
        let (t, g, sig) = (parts.next()?, parts.next()?, parts.next()?);
        let (ticket, generation) = (t.parse::<i64>().ok()?, g.parse::<i64>().ok()?);
        let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
        Self::mac(key, &format!("{ticket}.{generation}"))?
            .verify_slice(&sig)
            .ok()?;
        Some(PassClaim { ticket, generation })
    }
}
