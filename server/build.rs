//! The server carries a copy of `www/` (src/http/assets.rs). Its files are
//! tracked one by one once embedded, but a file added or removed (each
//! `npm run build` names the wasm by its hash) is not: rebuild the server
//! whenever anything under `www/` changes.

fn main() {
    println!("cargo:rerun-if-changed=../www");
}
