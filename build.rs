//! Names this build for the index: `SIGNPOST_BUILD` is the package version
//! and a hash of the sources and the lock file. An index version (and the
//! library snapshot it keeps) is current only for the build that made it,
//! since another build may check content differently, hold other entry
//! fields or write another index schema.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

fn hash_tree(path: &Path, hasher: &mut DefaultHasher) {
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    if meta.is_dir() {
        let mut names: Vec<_> = std::fs::read_dir(path)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        names.sort();
        for name in names {
            hash_tree(&name, hasher);
        }
    } else if let Ok(bytes) = std::fs::read(path) {
        path.to_string_lossy().hash(hasher);
        bytes.hash(hasher);
    }
}

fn main() {
    let mut hasher = DefaultHasher::new();
    for input in ["src", "Cargo.lock", "Cargo.toml", "build.rs"] {
        println!("cargo::rerun-if-changed={input}");
        hash_tree(Path::new(input), &mut hasher);
    }
    println!(
        "cargo::rustc-env=SIGNPOST_BUILD={}-{:016x}",
        std::env::var("CARGO_PKG_VERSION").unwrap_or_default(),
        hasher.finish()
    );
}
