//! The shared test vectors in `tests/vectors/` are current: the manifests are what the cases
//! say, the inputs are the harness's, and the outputs are what the core renders now (bit for
//! bit on a CPU with AVX2 and FMA, where they were made; within float rounding elsewhere).
//! Regenerate with `cargo run -p mixmaster-tests --bin make-vectors`.

use mixmaster_tests::vectors;
use std::path::Path;

fn floats(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

#[test]
fn vectors_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let stale = "tests/vectors is stale: run `cargo run -p mixmaster-tests --bin make-vectors`";
    let cases = vectors::cases();
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap_or_default();
    assert_eq!(
        String::from_utf8(read("cases.json")).unwrap(),
        vectors::manifest_json(&cases),
        "{stale}"
    );
    assert_eq!(
        String::from_utf8(read("cases.txt")).unwrap(),
        vectors::manifest_txt(&cases),
        "{stale}"
    );
    let exact = mixmaster::cpu::has_avx2_fma();
    for c in &cases {
        let input = vectors::to_bytes(&vectors::input(c));
        assert!(
            read(&format!("{}.in.f32", c.name)) == input,
            "{}: {stale}",
            c.name
        );
        let want = floats(&read(&format!("{}.out.f32", c.name)));
        let got: Vec<f32> = vectors::render(c).into_iter().flatten().collect();
        assert_eq!(want.len(), got.len(), "{}: {stale}", c.name);
        assert_eq!(got.len(), c.channels * c.frames);
        let peak = got.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(
            peak > 1e-3 && got.iter().all(|x| x.is_finite()),
            "{}: silent or non-finite",
            c.name
        );
        for (i, (a, b)) in want.iter().zip(&got).enumerate() {
            let ok = if exact {
                a.to_bits() == b.to_bits()
            } else {
                (a - b).abs() <= 1e-5 * (1.0 + a.abs())
            };
            assert!(ok, "{} sample {i}: file {a}, core {b}: {stale}", c.name);
        }
    }
}
