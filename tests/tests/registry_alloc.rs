//! Real-time safety of every registered kind, built through the registry: after `prepare`,
//! processing blocks of any size and changing every parameter between blocks allocate
//! nothing. No kind is listed by hand: a new kind is covered as soon as it is registered.
//!
//! No processor documents lazy work on its first block, so counting starts before the first
//! `process` call.

use mixmaster::ProcessSpec;
use mixmaster::processor::MAX_CHANNELS;
use mixmaster::registry;
use mixmaster_tests::alloc_counter::{CountingAllocator, allocations_in};
use mixmaster_tests::kinds::{change_every_param, channel_counts, default_settings};
use mixmaster_tests::programme;

#[global_allocator]
static A: CountingAllocator = CountingAllocator;

const SR: f64 = 48_000.0;
const MAX_BLOCK: usize = 512;
/// Block sizes: one frame, an odd size, the maximum, and more than the maximum (which
/// `process` cuts into pieces).
const SIZES: [usize; 4] = [1, 17, 512, 2000];

#[test]
fn the_counter_counts() {
    // The proof below is only as good as the counter: check that it sees an allocation.
    assert!(allocations_in(|| drop(std::hint::black_box(vec![1u8; 10]))) >= 1);
}

#[test]
fn every_kind_processes_and_changes_parameters_without_allocating() {
    let mut failures = Vec::new();
    for kind in registry::kinds() {
        let d = kind.description;
        let settings = default_settings(d);
        for channels in channel_counts(d) {
            let who = format!("{} ({channels} ch) with {settings}", d.kind);
            let spec = ProcessSpec::new(SR, MAX_BLOCK, channels);
            let make = || {
                let mut p = kind
                    .build(&settings)
                    .unwrap_or_else(|e| panic!("{who}: build failed: {e}"));
                p.prepare(spec)
                    .unwrap_or_else(|e| panic!("{who}: prepare failed: {e}"));
                p
            };
            // Valid changes of every parameter, found on a twin (so that no refused value is
            // tried in the counted region), and the values to change back to.
            let changed = change_every_param(make().as_mut(), SR);
            let mut p = make();
            let initial: Vec<(usize, f64)> = (0..d.params.len())
                .map(|i| (i, p.param(i).expect("a declared parameter has a value")))
                .collect();

            let input = programme(channels, 2000, SR);
            let mut buf = input.clone();
            let mut refused = 0usize;
            let n = allocations_in(|| {
                for round in 0..3 {
                    for (k, &size) in SIZES.iter().enumerate() {
                        // Fresh input each block (processing in place must not compound).
                        for (b, x) in buf.iter_mut().zip(&input) {
                            b.copy_from_slice(x);
                        }
                        let mut parts: [&mut [f32]; MAX_CHANNELS] = Default::default();
                        for (part, ch) in parts.iter_mut().zip(buf.iter_mut()) {
                            *part = &mut ch[..size];
                        }
                        p.process(&mut parts[..channels]);
                        let values = if (round + k) % 2 == 0 {
                            &changed
                        } else {
                            &initial
                        };
                        for &(i, v) in values {
                            if p.set_param(i, v).is_err() {
                                refused += 1;
                            }
                        }
                    }
                }
                p.reset();
                let mut parts: [&mut [f32]; MAX_CHANNELS] = Default::default();
                for (part, ch) in parts.iter_mut().zip(buf.iter_mut()) {
                    *part = &mut ch[..];
                }
                p.process(&mut parts[..channels]);
            });
            assert_eq!(refused, 0, "{who}: a valid parameter change was refused");
            if n != 0 {
                failures.push(format!(
                    "{who}: {n} allocations while processing blocks of {SIZES:?} frames and changing {} parameters",
                    d.params.len()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
