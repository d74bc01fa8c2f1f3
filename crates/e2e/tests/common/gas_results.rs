//! Committed gas results (`test/results/*.json`): written with `UPDATE_GAS=1`, otherwise held to
//! what is committed.

use super::ROOT;

/// Writes `rows` (with `what` says what they measure) to `test/results/{file}` when `UPDATE_GAS`
/// is set; otherwise compares each row's `keys` with the committed file's: more than 2% above it
/// fails (a regression), and so does more than 2% below it (regenerate the file).
pub fn check_gas_results(file: &str, what: &str, rows: &[serde_json::Value], keys: &[&str]) {
    let path = format!("{ROOT}/test/results/{file}");
    let got =
        serde_json::to_string_pretty(&serde_json::json!({ "what": what, "rows": rows })).unwrap() + "\n";
    if std::env::var_os("UPDATE_GAS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("run with UPDATE_GAS=1")).unwrap();
    let want = want["rows"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        want.len(),
        "{file}: the rows measured are not the rows committed"
    );
    for (g, w) in rows.iter().zip(want) {
        for key in keys {
            let (g, w) = (g[key].as_u64().unwrap(), w[key].as_u64().unwrap());
            assert!(g <= w + w / 50, "{file}: {key} regressed: {g} > {w} + 2%");
            assert!(
                g + g / 50 >= w,
                "{file}: {key} improved: {g} < {w}; regenerate with UPDATE_GAS=1"
            );
        }
    }
}
