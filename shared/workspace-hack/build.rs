// A build script, so that cargo also applies this crate's [build-dependencies] (the features
// of what build scripts and macros use) to every package.
fn main() {}
