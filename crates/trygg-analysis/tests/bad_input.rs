//! Each bad input of issue 4 gives a clear error that says what to change — never NaN, never a
//! panic. (Missing/unparsable times with line numbers are the CLI's: see trygg-analyze-cli.)

use trygg_analysis::AnalysisError;
use trygg_analysis::gistar::{GiStarOptions, GridWeights, gistar_grid};
use trygg_analysis::kde::{KdeOptions, kde};
use trygg_analysis::knox::{KnoxConfig, knox};
use trygg_analysis::{GridSpec, evaluation};

fn bands() -> KnoxConfig {
    KnoxConfig::new(vec![0.0, 100.0, 200.0], vec![0.0, 7.0, 14.0])
}

#[test]
fn fewer_than_two_events() {
    let e = knox(&[674_000.0], &[6_580_000.0], &[1.0], &bands()).unwrap_err();
    assert!(matches!(e, AnalysisError::TooFewEvents { got: 1, .. }));
    assert!(e.to_string().contains("widen the period"));
    let grid = GridSpec::new(0.0, 0.0, 10.0, 5, 5).unwrap();
    assert!(kde(&[], &[], None, &grid, &KdeOptions::default()).is_err());
}

#[test]
fn all_events_at_one_point() {
    let x = [674_000.0; 5];
    let y = [6_580_000.0; 5];
    let e = knox(&x, &y, &[1.0, 2.0, 3.0, 4.0, 5.0], &bands()).unwrap_err();
    assert!(e.to_string().contains("same point"), "{e}");
    let grid = GridSpec::new(673_000.0, 6_579_000.0, 100.0, 20, 20).unwrap();
    assert!(matches!(
        kde(&x, &y, None, &grid, &KdeOptions::default()),
        Err(AnalysisError::AllAtOnePoint { .. })
    ));
}

#[test]
fn zero_variance_grid() {
    let grid = GridSpec::new(0.0, 0.0, 10.0, 4, 4).unwrap();
    let e = gistar_grid(
        &grid,
        &[2.0; 16],
        GridWeights::Queen,
        &GiStarOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("needs variation"), "{e}");
}

#[test]
fn bands_that_do_not_increase() {
    let x = [674_000.0, 674_100.0, 674_300.0];
    let y = [6_580_000.0, 6_580_050.0, 6_580_100.0];
    let t = [1.0, 2.0, 3.0];
    for (space, time) in [
        (vec![0.0, 200.0, 200.0], vec![0.0, 7.0]),
        (vec![0.0, 200.0], vec![7.0, 0.0]),
        (vec![100.0], vec![0.0, 7.0]),
        (vec![-5.0, 10.0], vec![0.0, 7.0]),
    ] {
        let e = knox(&x, &y, &t, &KnoxConfig::new(space, time)).unwrap_err();
        assert!(matches!(e, AnalysisError::BandsNotIncreasing { .. }));
        assert!(e.to_string().contains("strictly increasing"));
    }
}

#[test]
fn radius_smaller_than_the_cell() {
    let grid = GridSpec::new(674_000.0, 6_580_000.0, 250.0, 10, 10).unwrap();
    let e = kde(
        &[674_100.0, 674_900.0],
        &[6_580_100.0, 6_580_700.0],
        None,
        &grid,
        &KdeOptions {
            radius: Some(100.0),
            threads: 1,
        },
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("use a radius of at least 250 m"),
        "{e}"
    );
}

#[test]
fn degrees_passed_as_metres() {
    let lon = [18.05, 18.07, 18.10];
    let lat = [59.32, 59.33, 59.35];
    let e = knox(&lon, &lat, &[1.0, 2.0, 3.0], &bands()).unwrap_err();
    assert!(e.to_string().contains("SWEREF 99 TM"), "{e}");
}

#[test]
fn non_finite_values_and_zero_counts() {
    let e = knox(
        &[1000.0, f64::NAN],
        &[5000.0, 6000.0],
        &[1.0, 2.0],
        &bands(),
    )
    .unwrap_err();
    assert!(matches!(
        e,
        AnalysisError::NotFinite {
            what: "x",
            index: 1
        }
    ));
    let e = knox(
        &[1000.0, 2000.0],
        &[5000.0, 6000.0],
        &[1.0, f64::INFINITY],
        &bands(),
    )
    .unwrap_err();
    assert!(matches!(e, AnalysisError::NotFinite { what: "time", .. }));
    let zero = evaluation::BeforeAfter {
        treated_before: 10,
        treated_after: 5,
        buffer_before: 3,
        buffer_after: 4,
        control_before: 0,
        control_after: 7,
    };
    assert!(
        evaluation::evaluate(zero)
            .unwrap_err()
            .to_string()
            .contains("longer periods")
    );
}
