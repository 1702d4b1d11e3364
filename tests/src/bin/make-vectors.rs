//! Writes the shared test vectors into `tests/vectors/` (see `mixmaster_tests::vectors`).
//! Usage: `cargo run -p mixmaster-tests --bin make-vectors`.

use mixmaster_tests::vectors;
use std::path::Path;

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    std::fs::create_dir_all(&dir)?;
    let cases = vectors::cases();
    for c in &cases {
        std::fs::write(
            dir.join(format!("{}.in.f32", c.name)),
            vectors::to_bytes(&vectors::input(c)),
        )?;
        std::fs::write(
            dir.join(format!("{}.out.f32", c.name)),
            vectors::to_bytes(&vectors::render(c)),
        )?;
    }
    std::fs::write(dir.join("cases.json"), vectors::manifest_json(&cases))?;
    std::fs::write(dir.join("cases.txt"), vectors::manifest_txt(&cases))?;
    println!("wrote {} cases to {}", cases.len(), dir.display());
    Ok(())
}
