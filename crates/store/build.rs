//! Rebuilds when a migration is added, so the embedded list is never stale.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
