//! Rebuilds this crate whenever a message file is added, changed or removed: the Fluent files
//! are compiled in by a macro, and cargo does not otherwise notice a new `.ftl` file (pages then
//! show raw message keys until something else touches the crate).

fn main() {
    println!("cargo:rerun-if-changed=locales");
}
