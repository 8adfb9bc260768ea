//! Argon2id over memory that each hashing thread keeps: a hash needs
//! ~19 MiB of blocks, and allocating them anew each time lets the
//! allocator keep freed blocks in its heaps (glibc raises its mmap
//! threshold after the first free), so a burst of sign-ins grew the
//! process by hundreds of MiB for good. One buffer per thread, reused,
//! keeps memory at (threads × 19 MiB) whatever the load.

use std::cell::RefCell;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;

thread_local! {
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs Argon2 with this thread's blocks, sized for `params`.
fn with_blocks<T>(params: &Params, work: impl FnOnce(&mut [Block]) -> T) -> T {
    BLOCKS.with(|cell| {
        let mut blocks = cell.borrow_mut();
        let needed = params.block_count();
        if blocks.len() != needed {
            blocks.clear();
            blocks.resize(needed, Block::default());
        }
        work(&mut blocks[..])
    })
}

/// A new Argon2id hash of `password` with the default parameters, as a PHC
/// string (`$argon2id$v=19$m=19456,t=2,p=1$…`), like `PasswordHasher` writes.
pub fn hash(password: &[u8]) -> Option<String> {
    let argon = Argon2::default();
    let params = argon.params().clone();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_bytes).ok()?;
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(len, |out| {
        with_blocks(&params, |blocks| {
            argon.hash_password_into_with_memory(password, salt_bytes, out, blocks)
        })
        .map_err(|_| argon2::password_hash::Error::Crypto)
    })
    .ok()?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).ok()?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Some(phc.to_string())
}

/// Whether `password` matches a stored PHC hash, compared in constant time;
/// `false` for a hash that does not parse.
pub fn verify(password: &[u8], stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed)) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    let computed = with_blocks(&params, |blocks| {
        argon.hash_password_into_with_memory(password, salt_bytes, &mut out, blocks)
    });
    computed.is_ok() && bool::from(out.ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    use super::*;

    #[test]
    fn hashes_verify_both_ways_with_the_crates_own_hasher() {
        let ours = hash(b"correct horse battery").expect("hash");
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
        assert!(verify(b"correct horse battery", &ours));
        assert!(!verify(b"correct horse batterY", &ours));
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );

        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"tessera-admin", &salt)
            .expect("hash")
            .to_string();
        assert!(verify(b"tessera-admin", &theirs));
        assert!(!verify(b"tessera-admin!", &theirs));
        assert!(!verify(b"x", "not a hash"));
        assert!(!verify(b"x", "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$"));
    }
}
