//! Every fixture's results, recorded in test/fixtures/golden.json: a change to the model shows up
//! as a reviewed diff. Regenerate with `UPDATE_GOLDEN=1 cargo test -p pm-cli --test golden`.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn fixtures_match_golden_file() {
    let dir = root().join("test/fixtures/portfolios");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    assert!(names.len() >= 9, "the issue asks for at least 9 fixtures");
    let mut all = serde_json::Map::new();
    for path in &names {
        let out = pm_cli::margin_command(path.to_str().unwrap(), true).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        all.insert(stem, serde_json::from_str(&out).unwrap());
        // The table renders too.
        assert!(pm_cli::margin_command(path.to_str().unwrap(), false)
            .unwrap()
            .contains("initial margin"));
    }
    let got = serde_json::to_string_pretty(&serde_json::Value::Object(all)).unwrap() + "\n";
    let golden = root().join("test/fixtures/golden.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &got).unwrap();
    }
    let want = std::fs::read_to_string(&golden).expect("golden.json: run with UPDATE_GOLDEN=1");
    assert!(
        got == want,
        "fixture results changed; review and regenerate test/fixtures/golden.json"
    );
}

#[test]
fn bad_files_are_clear_errors() {
    let e = pm_cli::margin_command("/nonexistent.json", false).unwrap_err();
    assert!(e.contains("cannot read"));
}
