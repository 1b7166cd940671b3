//! The app's wasm keeps its relocations (`--emit-relocs`): the split step of the build
//! (scripts/trunk-bin/wasm-bindgen) needs them to cut the screens marked `#[wasm_split]` out
//! into modules of their own, downloaded when a screen is first opened (components/lazy.rs).
//! Set here, for this one binary, rather than in the wasm target's rustflags: those would
//! also rebuild every dependency and reach the worker's wasm.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bins=--emit-relocs");
    }
}
