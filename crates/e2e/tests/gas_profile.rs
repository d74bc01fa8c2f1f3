//! Where the gas of a margin check goes: the cached `accountMargin` of the margin gas table's
//! accounts (`margin_gas.rs`: 128 and 16 options over 4 underlyings) run under the devnet's gas
//! profiler, which counts the exact ink of every function (stylus-devnet's README, "Gas
//! profile"). Prints the gas of each program in the call and the risk program's top 25 functions
//! by self gas. Asserts that the profile accounts for every unit of ink each program was charged,
//! that profiling changes no gas, and that the profile is the same call after call.
//!
//! Function names come from `script/build-wasm-names.sh risk-program` (the same build keeping its
//! `name` section), used only when its functions are the deployed program's; otherwise functions
//! show by index. Run: `cargo test -p pm-e2e --features e2e --test gas_profile -- --nocapture`.
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use alloy_sol_types::SolCall;
use common::ROOT;
use pm_e2e::deployment::{Engine, IClearinghouse};
use pm_e2e::format::grouped;
use pm_e2e::programs::{programs, Program};
use stylus_devnet::function_names::{function_names, same_functions};
use stylus_devnet::gas_profile::{GasProfile, ProgramProfile};
use stylus_devnet::pack;
use stylus_devnet::pricing::INK_PER_GAS;

/// Functions listed per program.
const TOP: usize = 25;

/// The program's wasm that `script/build-wasm-names.sh` writes: its release build with names.
fn names_wasm_path(program: &Program) -> std::path::PathBuf {
    Path::new(ROOT)
        .join("target/wasm32-unknown-unknown")
        .join(format!("{}-names", program.profile))
        .join(format!("{}.wasm", program.crate_name.replace('-', "_")))
}

/// The demangled names of the deployed program's functions, from its build with names; or why
/// there are none.
fn names(e: &mut Engine, program: &Program) -> Result<BTreeMap<u32, String>, String> {
    let path = names_wasm_path(program);
    let hint = format!("run script/build-wasm-names.sh {}", program.name);
    let named = std::fs::read(&path).map_err(|_| format!("no {}: {hint}", path.display()))?;
    let address = e.program(&program.name)?;
    let deployed = pack::unpack(&e.chain.code(address)).ok_or("not a program")?;
    if !same_functions(&named, &deployed)? {
        return Err(format!(
            "{} is not the deployed code (stale): {hint}",
            path.display()
        ));
    }
    Ok(function_names(&named)?
        .into_iter()
        .map(|(index, name)| (index, format!("{:#}", rustc_demangle::demangle(&name))))
        .collect())
}

/// `ink` as gas with one decimal.
fn gas(ink: u64) -> String {
    let tenths = ink / (INK_PER_GAS / 10);
    format!("{}.{}", grouped(tenths / 10), tenths % 10)
}

/// Keeps the end of `name` when it is longer than `width` characters.
fn tail(name: &str, width: usize) -> String {
    let count = name.chars().count();
    if count <= width {
        return name.to_string();
    }
    let kept: String = name.chars().skip(count - width + 1).collect();
    format!("…{kept}")
}

/// The programs of the engine that ran in `profile`, by name, in deployment order.
fn programs_run<'a>(e: &mut Engine, profile: &'a GasProfile) -> Vec<(Program, &'a ProgramProfile)> {
    let mut run = Vec::new();
    for program in programs(Path::new(ROOT)).unwrap() {
        let address = e.program(&program.name).unwrap();
        if let Some(p) = profile.program(e.chain.code_hash(address)) {
            run.push((program, p));
        }
    }
    run
}

fn print_programs(run: &[(Program, &ProgramProfile)]) {
    println!(
        "{:<28} {:>6} {:>10} {:>12} {:>12} {:>12}",
        "program", "frames", "entry gas", "self gas", "host gas", "total gas"
    );
    for (program, p) in run {
        let total = p.entry_gas * INK_PER_GAS + p.ink;
        println!(
            "{:<28} {:>6} {:>10} {:>12} {:>12} {:>12}",
            program.name,
            p.frames,
            grouped(p.entry_gas),
            gas(p.self_ink()),
            gas(p.ink - p.self_ink()),
            gas(total)
        );
    }
    println!("(total = entry + self + host; host gas includes the programs and contracts it called)");
}

fn print_functions(program: &Program, p: &ProgramProfile, names: &Result<BTreeMap<u32, String>, String>) {
    let mut functions = p.functions.clone();
    functions.sort_by_key(|f| (std::cmp::Reverse(f.ink), f.index));
    let used = functions.iter().filter(|f| f.calls > 0).count();
    println!(
        "{}: {} gas in its frames after the entry, {} of it in its own code; {used} of its {} \
         functions ran; top {TOP} by self gas (% of the gas in its frames):",
        program.name,
        gas(p.ink),
        gas(p.self_ink()),
        p.functions.len()
    );
    println!(
        "{:>4} {:<64} {:>11} {:>6} {:>8} {:>9}",
        "fn", "function", "self gas", "%", "calls", "host gas"
    );
    for f in functions.iter().filter(|f| f.calls > 0).take(TOP) {
        let name = names
            .as_ref()
            .ok()
            .and_then(|n| n.get(&f.index))
            .map_or_else(|| format!("function {}", f.index), |n| tail(n, 64));
        let percent = f.ink as f64 * 100.0 / p.ink as f64;
        println!(
            "{:>4} {:<64} {:>11} {:>5.1}% {:>8} {:>9}",
            f.index,
            name,
            gas(f.ink),
            percent,
            grouped(f.calls),
            gas(f.host_ink)
        );
    }
    if let Err(why) = names {
        println!("(no function names: {why})");
    }
}

/// Profiles the cached `accountMargin` of the margin gas table's account with `positions`
/// options over `underlyings` underlyings, checks the profile and prints it.
fn profile_account_margin(positions: usize, underlyings: usize) {
    let (mut e, alice, _) = common::options_account(positions, underlyings, true);
    let (_, unprofiled_gas) = e.margin(alice).unwrap();
    e.chain.set_profiling(true);
    let (_, gas_used) = e.margin(alice).unwrap();
    let profile = e.chain.gas_profile();
    e.chain.reset_gas_profile();
    let (_, again) = e.margin(alice).unwrap();
    assert_eq!(gas_used, unprofiled_gas, "profiling changes no gas");
    assert_eq!(again, gas_used);
    assert_eq!(e.chain.gas_profile(), profile, "the same profile call after call");

    let run = programs_run(&mut e, &profile);
    for (program, p) in &run {
        assert_eq!(
            p.attributed_ink(),
            p.ink,
            "{}: the functions' counters hold every unit of ink its frames were charged",
            program.name
        );
    }
    // The receipt is the transaction's 21,000 and calldata (16 gas a non-zero byte, 4 a zero
    // byte) and the core's frame: its entry gas and its ink rounded up to gas.
    let (_, core) = run.iter().find(|(p, _)| p.name == "clearinghouse-core").unwrap();
    let calldata = IClearinghouse::accountMarginCall { account: alice }.abi_encode();
    let calldata_gas: u64 = calldata.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum();
    assert_eq!(core.frames, 1);
    assert_eq!(
        gas_used,
        21_000 + calldata_gas + core.entry_gas + core.ink.div_ceil(INK_PER_GAS)
    );
    let (program, risk) = run.iter().find(|(p, _)| p.name == "risk-program").unwrap();
    assert_eq!(risk.frames, 1);
    let risk_names = names(&mut e, program);
    println!(
        "\naccountMargin, {positions} options on {underlyings} underlyings, programs cached: {} gas",
        grouped(gas_used)
    );
    print_programs(&run);
    println!();
    print_functions(program, risk, &risk_names);
}

/// One test for both books, so that their tables print one after the other.
#[test]
fn gas_profile_of_account_margin() {
    for (positions, underlyings) in [(128, 4), (16, 4)] {
        profile_account_margin(positions, underlyings);
    }
}
