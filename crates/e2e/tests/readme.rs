//! The README says what the code is: its layout section lists every crate of the workspace and
//! only paths that exist, and its architecture table lists the programs of
//! `contracts/programs.tsv` in order, with their committed sizes (`test/results/sizes.json`,
//! written by `script/size.sh`) and, end to end, the entry gas ArbWasm reports for them; its
//! side-by-side table is the committed benchmark's (`script/bench-reference.sh`).

mod common;

use std::path::Path;

use common::reference_report::{committed_rows, table};
use pm_e2e::programs::programs;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn readme() -> String {
    std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap()
}

/// The lines of the README's section whose heading starts with `heading` (up to the next `## `).
fn section(readme: &str, heading: &str) -> Vec<String> {
    readme
        .lines()
        .skip_while(|l| !l.starts_with(heading))
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .map(str::to_string)
        .collect()
}

/// The architecture table: one row of cells per program.
fn architecture_rows() -> Vec<Vec<String>> {
    let lines = section(&readme(), "## Architecture: ");
    lines
        .iter()
        .skip_while(|l| !l.starts_with("| program |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

fn number(cell: &str) -> u64 {
    cell.replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {cell}"))
}

#[test]
fn the_architecture_table_lists_the_programs_with_their_committed_sizes() {
    let root = Path::new(ROOT);
    let listed = programs(root).unwrap();
    let rows = architecture_rows();
    let sizes = std::fs::read_to_string(root.join("test/results/sizes.json")).unwrap();
    let sizes: serde_json::Value = serde_json::from_str(&sizes).unwrap();
    assert_eq!(
        rows.len(),
        listed.len(),
        "one row per program of contracts/programs.tsv"
    );
    for (row, program) in rows.iter().zip(&listed) {
        assert_eq!(row[0], format!("`{}`", program.name));
        assert_eq!(row[1], format!("`{}`", program.crate_name));
        assert_eq!(row[2], format!("`{}`", program.profile));
        let committed = sizes[&program.name]["onchain"].as_u64().unwrap();
        assert_eq!(number(&row[4]), committed, "{}: on-chain bytes", program.name);
    }
}

#[test]
fn the_layout_section_lists_every_crate_and_only_paths_that_exist() {
    let root = Path::new(ROOT);
    let layout = section(&readme(), "## Layout");
    // Entries start at the line's beginning; indented lines continue the one above.
    let paths: Vec<&str> = layout
        .iter()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|p| p.contains('/') && !p.starts_with('`'))
        .collect();
    for p in &paths {
        for part in p.split(',') {
            assert!(
                root.join(part.trim_end_matches('/')).exists(),
                "README lists {part}, which does not exist"
            );
        }
    }
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members = manifest
        .split("members = [")
        .nth(1)
        .and_then(|m| m.split(']').next())
        .unwrap();
    for member in members
        .split(',')
        .map(|m| m.trim().trim_matches('"'))
        .filter(|m| !m.is_empty())
    {
        assert!(
            paths.iter().any(|p| p.trim_end_matches('/') == member),
            "README's layout does not list the crate {member}"
        );
    }
}

/// The entry gas column: what ArbWasm's `programInitGas` reports for each deployed program,
/// outside and inside Arbitrum's program cache (before the memory a call opens).
#[cfg(feature = "e2e")]
#[test]
fn the_architecture_table_states_each_programs_entry_gas() {
    use alloy_primitives::U256;
    let e = pm_e2e::deployment::Engine::deploy(ROOT).unwrap();
    let mut chain = e.chain;
    let rows = architecture_rows();
    let mut reported = Vec::new();
    for (_, address) in &e.programs {
        let mut call = vec![0x62, 0xb6, 0x88, 0xaa]; // programInitGas(address)
        call.extend_from_slice(&[0; 12]);
        call.extend_from_slice(address.as_slice());
        let r = chain.call(e.owner, stylus_devnet::arbwasm::ADDRESS, call);
        assert!(r.status, "{r:?}");
        let (uncached, cached) = (
            U256::from_be_slice(&r.output[..32]),
            U256::from_be_slice(&r.output[32..]),
        );
        reported.push(vec![uncached.to::<u64>(), cached.to::<u64>()]);
    }
    let stated: Vec<Vec<u64>> = rows
        .iter()
        .map(|row| row[5].split('/').map(|c| number(c.trim())).collect())
        .collect();
    let names: Vec<&String> = e.programs.iter().map(|(n, _)| n).collect();
    assert_eq!(stated, reported, "entry gas (uncached, cached) of {names:?}");
}

/// The README's Stylus-against-Solidity table is the committed benchmark's
/// (`test/results/solidity-reference-gas.json`, written by `script/bench-reference.sh`).
#[test]
fn the_side_by_side_table_is_the_committed_benchmarks() {
    let want = table(&committed_rows());
    assert!(
        readme().contains(&want),
        "README.md: the side-by-side table should read (script/bench-reference.sh prints it):\n{want}"
    );
}
