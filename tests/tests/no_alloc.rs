//! Real-time safety: after `prepare`, processing (and parameter changes) allocate nothing.

use mixmaster::mix::biquad::{Design, FilterKind};
use mixmaster::mix::{
    Compressor, Delay, Detector, Equalizer, Filter, Gain, PanLaw, PanMode, Panner, Reverb,
};
use mixmaster::{Chain, ProcessSpec, Processor};
use mixmaster_tests::alloc_counter::{CountingAllocator, allocations_in};
use mixmaster_tests::programme;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

fn bass_mono() -> mixmaster::master::StereoWidth {
    let mut w = mixmaster::master::StereoWidth::new();
    w.set_bass_mono_hz(120.0).unwrap();
    w
}

/// A true-stereo response long enough for every tier of the partitioned convolution.
fn convolution_reverb() -> mixmaster::mix::ConvolutionReverb {
    let ir: Vec<Vec<f32>> = (0..4)
        .map(|c| mixmaster_tests::noise(c as u64 + 1, 0.1, 20_000))
        .collect();
    let refs: Vec<&[f32]> = ir.iter().map(|c| c.as_slice()).collect();
    mixmaster::mix::ConvolutionReverb::with_impulse_response(&refs, 48_000.0).unwrap()
}

fn processors() -> Vec<(Box<dyn Processor>, usize)> {
    let mut comp = Compressor::new();
    comp.set_detector(Detector::Rms);
    comp.set_sidechain_hpf_hz(100.0).unwrap();
    let mut ping = Delay::new(500.0).unwrap();
    ping.set_ping_pong(true);
    vec![
        (Box::new(Gain::new()), 2),
        (
            Box::new(Panner::new(PanLaw::Compromise, PanMode::Balance)),
            2,
        ),
        (
            Box::new(Filter::new(FilterKind::LinkwitzRileyHighPass(8), 100.0).unwrap()),
            2,
        ),
        (
            Box::new(Equalizer::from_designs(&[Design::new(FilterKind::Peaking, 1000.0)]).unwrap()),
            3,
        ),
        (Box::new(Compressor::new()), 2),
        (Box::new(comp), 1),
        (Box::new(Delay::new(500.0).unwrap()), 2),
        (Box::new(ping), 2),
        (Box::new(Reverb::new()), 2),
        (Box::new(convolution_reverb()), 2),
        (
            Box::new(
                mixmaster::master::Saturation::new(mixmaster::master::Curve::Asymmetric, 4)
                    .unwrap(),
            ),
            2,
        ),
        (Box::new(bass_mono()), 2),
        (
            Box::new(mixmaster::master::Limiter::new(-3.0, 5.0).unwrap()),
            2,
        ),
        (
            Box::new(Chain::new().with(Gain::new()).with(Reverb::new())),
            2,
        ),
    ]
}

#[test]
fn processing_allocates_nothing() {
    for (mut p, channels) in processors() {
        let spec = ProcessSpec::new(48_000.0, 256, channels);
        p.prepare(spec).unwrap();
        let mut input = programme(channels, 4096, 48_000.0);
        let mut inter: Vec<f32> = vec![0.1; 4096 * channels];
        let mut planar: Vec<f32> = vec![0.1; 4096 * channels];
        let mut parts: Vec<&mut [f32]> = input.iter_mut().map(|c| &mut c[..]).collect();
        // In-range blocks, a block longer than the maximum (4096 > 256), parameter changes,
        // the single-buffer entry points, and reset.
        let n = allocations_in(|| {
            for (i, info) in p.params().iter().enumerate() {
                let _ = p.set_param(i, (info.default + info.max) * 0.5);
            }
            p.process(&mut parts);
            p.try_process(&mut parts).unwrap();
            p.process_interleaved(&mut inter, channels).unwrap();
            p.process_planar(&mut planar, channels).unwrap();
            p.reset();
            p.process(&mut parts);
        });
        assert_eq!(n, 0, "{} allocated {n} times while processing", p.name());
    }
}

#[test]
fn compressor_sidechain_allocates_nothing() {
    let mut c = Compressor::new();
    c.prepare(ProcessSpec::new(48_000.0, 128, 2)).unwrap();
    let mut l = vec![0.5f32; 1000];
    let mut r = vec![0.5f32; 1000];
    let key = vec![0.9f32; 1000];
    let n = allocations_in(|| c.process_with_sidechain(&mut [&mut l[..], &mut r[..]], &[&key[..]]));
    assert_eq!(n, 0);
}

#[test]
fn the_counter_counts() {
    // The proof above is only as good as the counter: check that it sees an allocation.
    assert!(allocations_in(|| drop(std::hint::black_box(vec![1u8; 10]))) >= 1);
}

#[test]
fn linear_phase_eq_allocates_nothing_even_when_bands_change() {
    use mixmaster::master::LinearPhaseEq;
    use mixmaster::mix::biquad::{Design, FilterKind};
    let mut eq = LinearPhaseEq::new(&[Design::new(FilterKind::Peaking, 1000.0)]).unwrap();
    eq.prepare(ProcessSpec::new(48_000.0, 256, 2)).unwrap();
    let mut l = vec![0.1f32; 4096];
    let mut r = vec![0.1f32; 4096];
    let n = allocations_in(|| {
        eq.process(&mut [&mut l[..], &mut r[..]]);
        eq.set_band(
            0,
            Design {
                kind: FilterKind::Peaking,
                frequency_hz: 2000.0,
                q: 1.0,
                gain_db: 6.0,
            },
        )
        .unwrap();
        eq.process(&mut [&mut l[..], &mut r[..]]);
        eq.reset();
    });
    assert_eq!(n, 0);
}

#[test]
fn mixer_allocates_nothing_with_sends_automation_and_latency() {
    use mixmaster::master::Limiter;
    use mixmaster::mix::{Breakpoint, Envelope, Mixer, Node, Output, SendPoint, Target};
    let mut m = Mixer::new();
    let a = m.add_track("a", 1).unwrap();
    let b = m.add_track("b", 2).unwrap();
    let group = m.add_bus("group");
    let verb = m.add_bus("verb");
    m.add_insert(Node::Track(a), Box::new(Compressor::new()))
        .unwrap();
    m.add_insert(Node::Track(b), Box::new(Limiter::new(-1.0, 3.0).unwrap()))
        .unwrap();
    m.add_insert(Node::Bus(verb), Box::new(Reverb::new()))
        .unwrap();
    m.set_output(Node::Track(b), Output::Bus(group)).unwrap();
    m.add_send(a, verb, -10.0, SendPoint::PostFader).unwrap();
    m.add_send(b, verb, -10.0, SendPoint::PreFader).unwrap();
    let env = Envelope::new(&[Breakpoint::new(0.0, -20.0), Breakpoint::new(0.05, 0.0)]).unwrap();
    m.automate(Node::Track(a), Target::Fader, env.clone())
        .unwrap();
    m.automate(Node::Track(a), Target::Send(0), env).unwrap();
    let thr = Envelope::new(&[Breakpoint::new(0.0, -30.0), Breakpoint::new(0.05, -10.0)]).unwrap();
    m.automate(
        Node::Track(a),
        Target::Insert {
            insert: 0,
            param: 0,
        },
        thr,
    )
    .unwrap();
    // Banks of four mono and four stereo tracks (equalizer and compressor first): the lanes.
    for t in 0..8 {
        let id = m.add_track(&format!("bank{t}"), 1 + t / 4).unwrap();
        let eq = mixmaster::mix::Equalizer::from_designs(&[
            mixmaster::mix::biquad::Design::new(mixmaster::mix::FilterKind::HighPass, 40.0),
            mixmaster::mix::biquad::Design::new(mixmaster::mix::FilterKind::LowPass, 9000.0),
        ])
        .unwrap();
        m.add_insert(Node::Track(id), Box::new(eq)).unwrap();
        m.add_insert(Node::Track(id), Box::new(Compressor::new()))
            .unwrap();
        m.add_send(id, verb, -12.0, SendPoint::PostFader).unwrap();
    }
    m.prepare(48_000.0, 256).unwrap();
    let x = programme(2, 4800, 48_000.0);
    let (mut l, mut r) = (vec![0.0f32; 4800], vec![0.0f32; 4800]);
    let mono: &[&[f32]] = &[&x[0][..]];
    let stereo: &[&[f32]] = &[&x[0][..], &x[1][..]];
    let inputs: Vec<&[&[f32]]> = [mono, stereo]
        .into_iter()
        .chain((0..8).map(|t| if t < 4 { mono } else { stereo }))
        .collect();
    let n = allocations_in(|| {
        m.process(&inputs, [&mut l[..], &mut r[..]]).unwrap();
        m.set_solo(a, true).unwrap();
        m.set_fader_db(Node::Bus(group), -3.0).unwrap();
        m.process(&inputs, [&mut l[..], &mut r[..]]).unwrap();
        m.reset();
    });
    assert_eq!(n, 0);
}

#[test]
fn the_meter_allocates_nothing_in_any_mode_or_width() {
    use mixmaster::master::{ChannelLayout, LoudnessMeter, MeterOptions, TruePeakMode};
    for (channels, mode) in [
        (2, TruePeakMode::Standard),
        (2, TruePeakMode::Precise),
        (12, TruePeakMode::Standard),
        (32, TruePeakMode::Precise),
    ] {
        let opts = MeterOptions {
            true_peak_mode: mode,
            ..MeterOptions::default()
        };
        let layout = ChannelLayout::Custom(vec![1.0; channels]);
        let mut planar_meter = LoudnessMeter::with_options(48_000.0, layout.clone(), opts).unwrap();
        let mut inter_meter = LoudnessMeter::with_options(48_000.0, layout, opts).unwrap();
        let x = programme(channels, 24_000, 48_000.0);
        let inter: Vec<f32> = (0..24_000)
            .flat_map(|f| x.iter().map(move |c| c[f]))
            .collect();
        let refs: Vec<&[f32]> = x.iter().map(|c| &c[..]).collect();
        let n = allocations_in(|| {
            planar_meter.add_planar(&refs);
            inter_meter.add_interleaved(&inter);
            std::hint::black_box((
                inter_meter.integrated_lufs(),
                inter_meter.loudness_range_lu(),
                inter_meter.true_peak_dbtp(),
                inter_meter.true_peak_channel_dbtp(channels - 1),
                inter_meter.momentary_lufs(),
            ));
            inter_meter.reset();
            inter_meter.add_interleaved(&inter);
        });
        assert_eq!(n, 0, "{channels} channels, {mode:?}: {n} allocations");
        // Interleaved (through the stack buffer) reads as planar.
        assert_eq!(inter_meter.true_peak_dbtp(), planar_meter.true_peak_dbtp());
        assert_eq!(
            inter_meter.sample_peak_dbfs(channels - 1),
            planar_meter.sample_peak_dbfs(channels - 1)
        );
        let (a, b) = (
            inter_meter.integrated_lufs(),
            planar_meter.integrated_lufs(),
        );
        assert!(a.is_finite() && (a - b).abs() < 1e-9, "{a} vs {b}");
    }
}
