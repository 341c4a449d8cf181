//! Module 03 is being written; see the README's module table.

fn main() {
    println!("Module 03 is coming soon. Start with module 1: cargo run -p module01");
}
