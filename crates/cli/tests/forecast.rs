//! `pm forecast`: the estimators against hand computations and a simulated GARCH process, the
//! reaction to a volatility spike against a rolling window (on the shipped history and on a
//! step), the correlation repair against the clearinghouse's own check, the command's output
//! and every bad input.

use pm_cli::correlation::{ewma_correlation, repair_psd, symmetric_eigen, Matrix};
use pm_cli::forecast::{forecast, Options};
use pm_cli::garch::Garch;
use pm_cli::history::History;
use pm_cli::volatility::{annualised, ewma, rolling};
use pm_risk::fixed::WAD;
use std::path::PathBuf;

fn shipped() -> (String, History) {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test/fixtures/history/btc-eth-daily.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    (
        path.to_string_lossy().into_owned(),
        History::parse(&text).unwrap(),
    )
}

/// Standard normal draws from a fixed seed (splitmix64, Box–Muller).
struct Normal(u64);

impl Normal {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn next(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * self.uniform()).cos()
    }
}

#[test]
fn ewma_and_rolling_match_hand_computation() {
    let r = [0.01, -0.02, 0.03];
    // Seed: mean square of the first 30 (here all three) = (1 + 4 + 9)e-4 / 3.
    let seed = 14e-4 / 3.0;
    let v1 = 0.9 * seed + 0.1 * 1e-4;
    let v2 = 0.9 * v1 + 0.1 * 4e-4;
    let v3 = 0.9 * v2 + 0.1 * 9e-4;
    let got = ewma(&r, 0.9);
    for (g, w) in got.iter().zip([v1, v2, v3]) {
        assert!((g - w).abs() < 1e-18, "{g} vs {w}");
    }
    let roll = rolling(&r, 2);
    assert_eq!(roll.len(), 3);
    assert!((roll[0] - 1e-4).abs() < 1e-18);
    assert!((roll[1] - 2.5e-4).abs() < 1e-18);
    assert!((roll[2] - 6.5e-4).abs() < 1e-18);
    assert!((annualised(1e-4) - (0.0365f64).sqrt()).abs() < 1e-15);
}

/// `n` returns of the GARCH process `g` from seed `seed`, started at its long-run variance.
fn simulate(g: &Garch, n: usize, seed: u64) -> Vec<f64> {
    let mut normal = Normal(seed);
    let mut v = g.long_run_variance();
    (0..n)
        .map(|_| {
            let r = v.sqrt() * normal.next();
            v = g.omega + g.alpha * r * r + g.beta * v;
            r
        })
        .collect()
}

#[test]
fn garch_fit_recovers_a_simulated_process() {
    let truth = Garch::with_long_run(0.10, 0.85, 0.04f64.powi(2)).unwrap();
    let returns = simulate(&truth, 6000, 7);
    let fit = Garch::fit(&returns).unwrap();
    println!("fitted {fit:?} against {truth:?}");
    assert!((fit.alpha - truth.alpha).abs() < 0.03, "alpha {}", fit.alpha);
    assert!((fit.beta - truth.beta).abs() < 0.05, "beta {}", fit.beta);
    let long = fit.long_run_variance().sqrt();
    assert!((long / 0.04 - 1.0).abs() < 0.15, "long-run daily vol {long}");
    // A maximiser beats the truth on its own sample, and any nearby point.
    let ll = fit.log_likelihood(&returns);
    assert!(ll >= truth.log_likelihood(&returns));
    for (da, db) in [
        (0.01, 0.0),
        (-0.01, 0.0),
        (0.0, 0.01),
        (0.0, -0.01),
        (0.01, -0.01),
        (-0.01, 0.01),
    ] {
        let near = Garch::with_long_run(fit.alpha + da, fit.beta + db, fit.long_run_variance()).unwrap();
        assert!(ll >= near.log_likelihood(&returns));
    }
    assert!(fit.alpha + fit.beta < 1.0);
}

/// A persistence of 0.999 puts the likelihood's ridge along α + β: the search follows it (no
/// diagonal neighbour does better) and converges.
#[test]
fn garch_fit_follows_a_persistent_ridge() {
    let truth = Garch::with_long_run(0.10, 0.899, 0.03f64.powi(2)).unwrap();
    let returns = simulate(&truth, 2000, 11);
    let fit = Garch::fit(&returns).unwrap();
    let ll = fit.log_likelihood(&returns);
    for step in [0.01, 0.001] {
        for (da, db) in [(step, -step), (-step, step), (step, 0.0), (0.0, -step)] {
            if let Some(near) = Garch::with_long_run(fit.alpha + da, fit.beta + db, fit.long_run_variance()) {
                assert!(
                    ll >= near.log_likelihood(&returns),
                    "{fit:?} beaten at {da}, {db}"
                );
            }
        }
    }
    assert!((fit.alpha + fit.beta - 0.999).abs() < 0.01, "{fit:?}");
}

#[test]
fn garch_mean_variance_decays_to_the_long_run() {
    let g = Garch::with_long_run(0.1, 0.8, 1e-4).unwrap();
    assert!((g.mean_variance(5e-4, 1) - 5e-4).abs() < 1e-18);
    // Two days: the first at 5e-4, the second a tenth of the way back (1e-4 + 0.9 · 4e-4).
    assert!((g.mean_variance(5e-4, 2) - (5e-4 + 4.6e-4) / 2.0).abs() < 1e-15);
    // Over n days: long + (next − long)·(1 − pⁿ)/(n·(1 − p)), p = α + β = 0.9; the horizon is
    // clamped to 3,650 days.
    assert!((g.mean_variance(5e-4, 10_000) - (1e-4 + 4e-4 / 365.0)).abs() < 1e-15);
}

/// On the shipped history, the day BTC fell 37% and ETH 42% (2020-03-12): the EWMA and GARCH
/// forecasts for the next day rise at least a quarter further than a 30-day rolling window's.
/// Out of sample: GARCH is fitted on the returns up to the day before.
#[test]
fn forecasts_react_to_the_march_2020_crash_faster_than_a_rolling_window() {
    let (_, h) = shipped();
    let day = h.day("2020-03-12").unwrap();
    for (name, returns) in h.names.iter().zip(&h.returns) {
        let garch = Garch::fit(&returns[..day]).unwrap();
        let series = [
            ("EWMA", ewma(returns, 0.94)),
            ("GARCH", garch.variances(returns)),
            ("rolling 30", rolling(returns, 30)),
        ];
        let rise: Vec<f64> = series
            .iter()
            .map(|(_, s)| annualised(s[day]) - annualised(s[day - 1]))
            .collect();
        for ((label, s), r) in series.iter().zip(&rise) {
            println!(
                "{name} {label}: {:.1}% -> {:.1}% (+{:.1} points)",
                annualised(s[day - 1]) * 100.0,
                annualised(s[day]) * 100.0,
                r * 100.0
            );
        }
        assert!(
            rise[0] > 1.25 * rise[2],
            "{name}: EWMA rose {} against {}",
            rise[0],
            rise[2]
        );
        assert!(
            rise[1] > 1.25 * rise[2],
            "{name}: GARCH rose {} against {}",
            rise[1],
            rise[2]
        );
    }
}

/// A step from 2% to 6% daily moves: days until each estimate has covered half the step in
/// variance (this GARCH's long-run level is the old regime, so it settles three quarters of the
/// way; the first half is what a forecast must cover fast). EWMA (λ 0.94) needs 12, GARCH (α 0.15, β 0.8) 5, the 30-day window half its
/// length (15, or 16 where rounding lands just short of the exact halfway point).
#[test]
fn forecasts_cover_half_a_step_sooner_than_a_rolling_window() {
    let mut returns = vec![0.02; 100];
    for k in 0..60 {
        returns.push(if k % 2 == 0 { 0.06 } else { -0.06 });
    }
    let (low, high) = (0.02f64.powi(2), 0.06f64.powi(2));
    let halfway = |s: &[f64]| (100..s.len()).position(|t| s[t] >= (low + high) / 2.0).unwrap() + 1;
    let garch = Garch::with_long_run(0.15, 0.8, low).unwrap();
    let (e, g, r) = (
        halfway(&ewma(&returns, 0.94)),
        halfway(&garch.variances(&returns)),
        halfway(&rolling(&returns, 30)),
    );
    println!("days to halfway: EWMA {e}, GARCH {g}, rolling 30 {r}");
    assert!(r >= 15);
    assert!(e < r && g < e, "EWMA {e}, GARCH {g}, rolling {r}");
}

/// The ISO date `d` days after 2020-01-01 (tests only: by walking the calendar).
fn date(d: i64) -> String {
    let target = pm_cli::history::day_number("2020-01-01").unwrap() + d;
    (2020..2030)
        .flat_map(|y| (1..=12).flat_map(move |m| (1..=31).map(move |dd| format!("{y:04}-{m:02}-{dd:02}"))))
        .find(|s| pm_cli::history::day_number(s) == Some(target))
        .unwrap()
}

#[test]
fn dates_count_calendar_days() {
    for (d, n) in [
        ("1970-01-01", 0),
        ("1969-12-31", -1),
        ("2000-03-01", 11_017),
        ("2020-03-12", 18_333),
        ("2024-02-29", 19_782),
    ] {
        assert_eq!(pm_cli::history::day_number(d), Some(n), "{d}");
    }
    for bad in [
        "2023-02-29",
        "2020-13-01",
        "2020-00-10",
        "2020-1-01",
        "20-01-01",
        "2020-01-01-01",
        "2020/01/01",
    ] {
        assert_eq!(pm_cli::history::day_number(bad), None, "{bad}");
    }
    assert_eq!(date(0), "2020-01-01");
    assert_eq!(date(60), "2020-03-01");
}

/// Columns that move together exactly (a synthetic third column equal to the first) make the
/// EWMA matrix singular: the forecast repairs it, says so, and the clearinghouse's check takes
/// the integers it prints; one column posts a vol and no correlations; 17 are refused.
#[test]
fn the_forecast_repairs_a_singular_matrix_and_bounds_the_column_count() {
    let (_, h) = shipped();
    let mut three = h.clone();
    three.names.push("BTC2".into());
    three.returns.push(h.returns[0].clone());
    let f = forecast(&three, Options::default()).unwrap();
    assert!(f.repaired && f.min_eigenvalue < 1e-6, "{}", f.min_eigenvalue);
    assert_eq!(f.correlation_upper.len(), 3);
    let n = 3;
    let mut full = vec![WAD; n * n];
    let mut upper = f.correlation_upper.iter();
    for i in 0..n {
        for j in i + 1..n {
            let v = *upper.next().unwrap();
            (full[i * n + j], full[j * n + i]) = (v, v);
        }
    }
    pm_risk::params::validate_correlation(&full, n).unwrap();
    assert!(
        f.correlation_upper[1] > WAD * 99 / 100,
        "BTC with its copy: {}",
        f.correlation_upper[1]
    );

    let mut one = h.clone();
    one.names.truncate(1);
    one.returns.truncate(1);
    let f = forecast(&one, Options::default()).unwrap();
    assert!(f.correlation_upper.is_empty() && f.underlyings.len() == 1);

    let mut many = h.clone();
    many.names = (0..17).map(|i| format!("U{i}")).collect();
    many.returns = vec![h.returns[0].clone(); 17];
    let err = forecast(&many, Options::default()).unwrap_err();
    assert!(
        err.contains("17 columns: the clearinghouse takes at most 16 underlyings"),
        "{err}"
    );
}

fn is_valid_on_chain(m: &Matrix) -> bool {
    let n = m.len();
    let full: Vec<i128> = (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .map(|(i, j)| {
            if i == j {
                WAD
            } else {
                (m[i.min(j)][i.max(j)] * 1e18).round() as i128
            }
        })
        .collect();
    pm_risk::params::validate_correlation(&full, n).is_ok()
}

#[test]
fn eigen_decomposition_rebuilds_the_matrix() {
    let m = vec![
        vec![4.0, 1.0, -2.0, 0.5],
        vec![1.0, 3.0, 0.0, 1.5],
        vec![-2.0, 0.0, 5.0, 1.0],
        vec![0.5, 1.5, 1.0, 2.0],
    ];
    let (values, vectors) = symmetric_eigen(&m);
    for i in 0..4 {
        for j in 0..4 {
            let rebuilt: f64 = (0..4).map(|k| values[k] * vectors[k][i] * vectors[k][j]).sum();
            assert!(
                (rebuilt - m[i][j]).abs() < 1e-10,
                "({i},{j}) {rebuilt} vs {}",
                m[i][j]
            );
        }
    }
    assert!((values.iter().sum::<f64>() - 14.0).abs() < 1e-10);
}

/// Three pairwise "correlations" that cannot hold at once (a and b, b and c move together, a
/// and c opposite): the clearinghouse refuses the matrix; repaired (eigenvalues clipped, the
/// diagonal rescaled: a valid matrix near it, not the nearest), it accepts it, and the pattern
/// of signs survives. A valid matrix comes back unchanged.
#[test]
fn repair_makes_an_impossible_matrix_acceptable_and_leaves_a_valid_one() {
    let bad = vec![vec![1.0, 0.9, -0.9], vec![0.9, 1.0, 0.9], vec![-0.9, 0.9, 1.0]];
    assert!(!is_valid_on_chain(&bad));
    let fixed = repair_psd(&bad);
    assert!(fixed.repaired && fixed.min_eigenvalue < -0.5);
    assert!(is_valid_on_chain(&fixed.matrix));
    let (values, _) = symmetric_eigen(&fixed.matrix);
    assert!(values.iter().all(|v| *v > 0.0), "{values:?}");
    for i in 0..3 {
        assert_eq!(fixed.matrix[i][i], 1.0);
        for j in 0..3 {
            assert_eq!(fixed.matrix[i][j], fixed.matrix[j][i]);
        }
    }
    // The signs survive: a with b and b with c together, a and c opposite.
    assert!(fixed.matrix[0][1] > 0.0 && fixed.matrix[1][2] > 0.0 && fixed.matrix[0][2] < 0.0);

    let good = vec![vec![1.0, 0.6, 0.3], vec![0.6, 1.0, 0.5], vec![0.3, 0.5, 1.0]];
    let same = repair_psd(&good);
    assert!(!same.repaired);
    assert_eq!(same.matrix, good);
}

#[test]
fn ewma_correlation_of_the_shipped_history() {
    let (_, h) = shipped();
    let c = ewma_correlation(&h.returns, 0.94);
    assert_eq!(c[0][0], 1.0);
    assert_eq!(c[0][1], c[1][0]);
    assert!(c[0][1] > 0.5 && c[0][1] < 1.0, "BTC/ETH {}", c[0][1]);
    // Two series that move exactly opposite correlate -1; one with no variance correlates 0.
    let r = vec![
        vec![0.01, -0.02, 0.03],
        vec![-0.01, 0.02, -0.03],
        vec![0.0, 0.0, 0.0],
    ];
    let c = ewma_correlation(&r, 0.9);
    assert!((c[0][1] + 1.0).abs() < 1e-12);
    assert_eq!(c[0][2], 0.0);
}

#[test]
fn the_update_for_the_shipped_history_is_what_the_clearinghouse_accepts() {
    let (path, h) = shipped();
    let f = forecast(&h, Options::default()).unwrap();
    assert_eq!(f.observations, 1414);
    assert_eq!(f.last_date, "2022-11-15");
    for u in &f.underlyings {
        let posted = u.vol as f64 / 1e18;
        assert!(posted >= u.ewma.max(u.garch_vol) && posted - u.ewma.max(u.garch_vol) < 1e-11);
        assert!((pm_risk::units::MIN_VOL..=pm_risk::units::MAX_VOL).contains(&u.vol));
        assert_eq!(u.vol % 1_000_000, 0);
        assert!(u.garch.alpha > 0.0 && u.garch.alpha + u.garch.beta < 1.0);
    }
    assert_eq!(f.correlation_upper.len(), 1);
    // The figures the README quotes.
    let pct = |x: f64| (x * 10_000.0).round() / 100.0;
    assert_eq!(
        (pct(f.underlyings[0].ewma), pct(f.underlyings[0].garch_vol)),
        (90.77, 90.14)
    );
    assert_eq!(
        (pct(f.underlyings[1].ewma), pct(f.underlyings[1].garch_vol)),
        (128.87, 126.69)
    );
    assert_eq!(
        (f.correlation_upper[0] + 50_000_000_000_000) / 100_000_000_000_000,
        9667
    );
    let json: serde_json::Value =
        serde_json::from_str(&pm_cli::forecast_command(&path, Options::default(), true).unwrap()).unwrap();
    assert_eq!(json["underlyings"][1]["name"], "ETH");
    assert_eq!(json["underlyings"][1]["vol"], f.underlyings[1].vol.to_string());
    assert_eq!(
        json["postRiskUpdate"]["vols"],
        serde_json::json!([f.underlyings[0].vol.to_string(), f.underlyings[1].vol.to_string()])
    );
    assert_eq!(
        json["postRiskUpdate"]["correlations"][0],
        f.correlation_upper[0].to_string()
    );
    let table = pm_cli::forecast_command(&path, Options::default(), false).unwrap();
    assert!(table.contains(&format!(
        "postRiskUpdate([{}, {}], [{}])",
        f.underlyings[0].vol, f.underlyings[1].vol, f.correlation_upper[0]
    )));
    // A longer horizon averages towards the long-run vol: ETH's forecast after 2022-11-15 was
    // above it, so a 30-day horizon posts less GARCH vol than a one-day one.
    let month = forecast(
        &h,
        Options {
            horizon: 30,
            ..Options::default()
        },
    )
    .unwrap();
    let eth = (&f.underlyings[1], &month.underlyings[1]);
    assert!(eth.0.garch_vol > eth.0.long_run && eth.1.garch_vol < eth.0.garch_vol);
}

#[test]
fn bad_histories_and_options_are_refused_with_their_reason() {
    let bad = [
        ("", "empty history"),
        ("date\n2020-01-01\n", "want `date,NAME"),
        (
            "date,BTC\n2020-01-01,1\n2020-01-02,2,3\n",
            "line 3: 3 cells, want 2",
        ),
        (
            "date,BTC\n2020-01-01,1\n2020-01-02,x\n",
            "line 3: `x` is not a number",
        ),
        (
            "date,BTC\n2020-01-01,1\n2020-01-02,-5\n",
            "line 3: price -5 is not above zero",
        ),
        (
            "date,BTC\n2020-01-01,1\n2020-01-02,0\n",
            "line 3: price 0 is not above zero",
        ),
        (
            "date,BTC\n2020-01-02,1\n2020-01-01,2\n2020-01-03,2\n",
            "line 3: 2020-01-01 is not the day after",
        ),
        (
            "date,BTC\n2020-01-01,1\n2020-01-03,2\n2020-01-04,2\n",
            "line 3: 2020-01-03 is not the day after",
        ),
        (
            "date,BTC\n2020-02-30,1\n",
            "line 2: `2020-02-30` is not a YYYY-MM-DD date",
        ),
        (
            "date,BTC\nmonday,1\n",
            "line 2: `monday` is not a YYYY-MM-DD date",
        ),
        (
            "date,BTC,BTC\n2020-01-01,1,1\n",
            "line 1: column BTC appears twice",
        ),
        (
            "date,BTC\n2020-01-01,1\n2020-01-02,NaN\n",
            "line 3: price NaN is not a finite number",
        ),
        (
            "date,BTC\n2020-01-01,1\n2020-01-02,inf\n",
            "line 3: price inf is not a finite number",
        ),
        (
            "date,BTC\n2020-01-01,1\n2020-01-02,2\n",
            "2 rows: a history needs at least three",
        ),
    ];
    for (text, want) in bad {
        let err = History::parse(text).unwrap_err();
        assert!(err.contains(want), "{text:?}: {err}");
    }
    let (_, h) = shipped();
    let with = |set: fn(&mut Options)| {
        let mut o = Options::default();
        set(&mut o);
        o
    };
    for (options, want) in [
        (with(|o| o.lambda = 1.0), "lambda 1 is not in (0, 1)"),
        (with(|o| o.lambda = 0.0), "lambda 0 is not in (0, 1)"),
        (with(|o| o.window = 0), "at least one day"),
        (with(|o| o.horizon = 0), "at least one day"),
        (
            with(|o| o.horizon = 3_651),
            "a horizon of 3651 days: at most 3650",
        ),
    ] {
        assert!(forecast(&h, options).unwrap_err().contains(want));
    }
    // Too short for a fit; a price that never moves; a vol above what the clearinghouse takes.
    let short: String = (1..=20).map(|d| format!("{},{}\n", date(d), 100 + d)).collect();
    let err = forecast(
        &History::parse(&format!("date,X\n{short}")).unwrap(),
        Options::default(),
    )
    .unwrap_err();
    assert!(
        err.contains("X: 19 returns: a GARCH fit needs at least 30"),
        "{err}"
    );
    let flat: String = (0..40).map(|d| format!("{},100\n", date(d))).collect();
    let err = forecast(
        &History::parse(&format!("date,X\n{flat}")).unwrap(),
        Options::default(),
    )
    .unwrap_err();
    assert!(err.contains("X: the returns have no variance"), "{err}");
    let wild: String = (0..40)
        .map(|d| format!("{},{}\n", date(d), if d % 2 == 0 { 100 } else { 1000 }))
        .collect();
    let err = forecast(
        &History::parse(&format!("date,X\n{wild}")).unwrap(),
        Options::default(),
    )
    .unwrap_err();
    assert!(err.contains("outside the clearinghouse's [1%, 500%]"), "{err}");
}

#[test]
fn the_pm_binary_forecasts_and_explains_misuse() {
    let (path, _) = shipped();
    let pm = env!("CARGO_BIN_EXE_pm");
    let run = |args: &[&str]| std::process::Command::new(pm).args(args).output().unwrap();
    let ok = run(&["forecast", &path, "--json", "--horizon", "7"]);
    assert!(ok.status.success());
    let json: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(json["horizon_days"], 7);
    for (args, code, want) in [
        (
            vec!["forecast", path.as_str(), "--lambda"],
            1,
            "`--lambda` needs a value",
        ),
        (
            vec!["forecast", path.as_str(), "--lambda", "big"],
            1,
            "--lambda: `big` is not a valid value",
        ),
        (
            vec!["forecast", path.as_str(), "--speed", "3"],
            1,
            "unknown option `--speed`",
        ),
        (
            vec!["forecast", "/nonexistent.csv"],
            1,
            "cannot read /nonexistent.csv",
        ),
        (vec!["forecast"], 2, "usage: pm margin"),
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
    }
}
