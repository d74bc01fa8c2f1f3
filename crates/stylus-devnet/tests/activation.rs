//! Activation, its data fee and programs' expiry, as Nitro charges them (`README.md`, "Gas
//! rules"; Nitro's `precompiles/ArbWasm.go`, `arbos/programs/programs.go`, `data_pricer.go`,
//! `crates/prover/src/programs/mod.rs`). Each expected figure is derived by hand next to its
//! test.
//!
//! An activation of a one-function, one-page program with no data burns, in order: the ArbOS
//! state's version read 800, the argument's copy 3, the activation-gas setting's read 800 (ArbOS
//! 59 on), the fixed 1,659,168, the parameters 100, the program's record 800, the compile work
//! (below), the module hash's write 20,000, the data pricer's five reads 4,000 and two writes
//! 40,000, the record's write 20,000, the network fee account's read 800, `ProgramActivated`
//! (375 + 2·375 + 8·128 = 2,149) and the answer's copy 6.

mod common;
use common::{activation_call, intrinsic};
use revm::primitives::{keccak256, Address, Bytes, U256};
use stylus_devnet::precompiles::data_pricer::{approx_exp_bips, INERTIA, MIN_PRICE};
use stylus_devnet::{arbwasm, ArbOs, Devnet, Receipt};

/// The program: `i32.const 0` and the final `end` (2 operators, one ending a block).
const EMPTY: &str = r#"(module (memory (export "memory") 1 1)
    (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;

const DAY: u64 = 86_400;

fn wasm_len(wat: &str) -> u64 {
    stylus_devnet::pack::pack(&wat::parse_str(wat).unwrap(), [0; 32])
        .unwrap()
        .wasm
        .len() as u64
}

/// The compile work of [`EMPTY`], gas: 28 per modelled microsecond, for the wasm's bytes
/// (·0.31733), one function (·0.17263 → 0), one page (2,217) and 31 operators after Nitro's
/// instrumentation (2 + 12 for the block-ending `end` + 12 at entry + 1 added `return` + 4
/// before it; ·0.535 → 16).
fn compile_gas(wat: &str) -> u64 {
    28 * (wasm_len(wat) * 31_733 / 100_000 + 2_217 + 16)
}

/// [`EMPTY`]'s machine-code estimate: 512,000 + one function 996 + two type values 22 + the
/// wasm's bytes · 6.2628.
fn asm_estimate(wat: &str) -> u64 {
    512_000 + 996 + 22 + wasm_len(wat) * 62_628 / 10_000
}

/// The data fee of `bytes` when the pricer holds `demand` bytes before them: the minimum price ×
/// e^(demand after / inertia) in basis points × bytes.
fn data_fee(bytes: u64, demand: u64) -> u64 {
    let exponent = 10_000 * (demand + bytes) / u64::from(INERTIA);
    u64::from(MIN_PRICE) * approx_exp_bips(exponent, 12) / 10_000 * bytes
}

/// Gas an activation burns before its compile work (the state, the argument, the setting, the
/// fixed part, the parameters, the record).
const BEFORE_COMPILE: u64 = 800 + 3 + 800 + 1_659_168 + 100 + 800;
/// Gas it burns after the compile work and before the data fee is taken: the module hash, the
/// pricer, the record.
const AFTER_COMPILE: u64 = 20_000 + 4_000 + 40_000 + 20_000;

fn by_hash(selector: [u8; 4], hash: [u8; 32]) -> Vec<u8> {
    let mut data = selector.to_vec();
    data.extend_from_slice(&hash);
    data
}

fn by_address(selector: [u8; 4], program: Address) -> Vec<u8> {
    let mut data = selector.to_vec();
    data.extend_from_slice(&[0; 12]);
    data.extend_from_slice(program.as_slice());
    data
}

fn word(r: &Receipt, i: usize) -> U256 {
    U256::from_be_slice(&r.output[32 * i..32 * (i + 1)])
}

/// Deploys [`EMPTY`] without activating it: (chain, activator, program).
fn deployed() -> (Devnet, Address, Address) {
    let mut chain = Devnet::new();
    let from = chain.accounts[1];
    let packed = stylus_devnet::pack::pack(&wat::parse_str(EMPTY).unwrap(), [0; 32]).unwrap();
    let r = chain.create(from, packed.init_code(), U256::ZERO);
    (chain, from, r.contract_address.unwrap())
}

#[test]
fn activation_burns_nitro_s_gas_and_takes_the_data_fee() {
    let (mut chain, from, program) = deployed();
    let owner = chain.accounts[0];
    let fee = data_fee(asm_estimate(EMPTY), 0);
    // About 0.0000436 ETH for a tiny program: the minimum price dominates.
    assert!(fee > 40_000_000_000_000 && fee < 50_000_000_000_000, "{fee}");
    let (before, owner_before) = (chain.balance(from), chain.balance(owner));
    let data = activation_call(program);
    let offered = U256::from(fee * 2);
    let r = chain.send(from, arbwasm::ADDRESS, data.clone(), offered);
    assert!(r.status, "{r:?}");
    let burnt = BEFORE_COMPILE + compile_gas(EMPTY) + AFTER_COMPILE + 800 + 2_149 + 6;
    assert_eq!(r.gas_used, intrinsic(&data) + burnt);
    // Answers (version 3, the fee); the fee goes to the network fee account (the chain owner),
    // the rest back (gas is free on the devnet).
    assert_eq!((word(&r, 0), word(&r, 1)), (U256::from(3), U256::from(fee)));
    assert_eq!(chain.balance(from), before - U256::from(fee));
    assert_eq!(chain.balance(owner), owner_before + U256::from(fee));
    let log = &r.logs[0];
    assert_eq!(U256::from_be_slice(&log.data.data[64..96]), U256::from(fee));
    // The machine-code estimate, in whole KiB.
    let hash = chain.code_hash(program);
    let asm = chain.call(from, arbwasm::ADDRESS, by_hash([0x40, 0x89, 0x26, 0x7f], hash.0));
    assert_eq!(
        word(&asm, 0),
        U256::from(asm_estimate(EMPTY).div_ceil(1_024) * 1_024)
    );
    assert!(chain.send(from, program, Bytes::new(), U256::ZERO).status);
}

#[test]
fn a_second_program_in_the_same_second_pays_more_a_byte() {
    let (mut chain, from, first) = deployed();
    let other = r#"(module (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 1))"#;
    let r = chain.send(
        from,
        arbwasm::ADDRESS,
        activation_call(first),
        U256::from(10u64.pow(15)),
    );
    assert!(r.status);
    let packed = stylus_devnet::pack::pack(&wat::parse_str(other).unwrap(), [0; 32]).unwrap();
    let second = chain
        .create(from, packed.init_code(), U256::ZERO)
        .contract_address
        .unwrap();
    // The devnet's blocks share the timestamp until time is moved: the first program's demand
    // has not drained.
    let r2 = chain.send(
        from,
        arbwasm::ADDRESS,
        activation_call(second),
        U256::from(10u64.pow(15)),
    );
    let demand = asm_estimate(EMPTY);
    assert_eq!(word(&r2, 1), U256::from(data_fee(asm_estimate(other), demand)));
    assert!(word(&r2, 1) > word(&r, 1));
}

#[test]
fn too_little_value_for_the_data_fee_changes_nothing() {
    let (mut chain, from, program) = deployed();
    let fee = data_fee(asm_estimate(EMPTY), 0);
    let data = activation_call(program);
    let before = chain.balance(from);
    let r = chain.send(from, arbwasm::ADDRESS, data.clone(), U256::from(fee - 1));
    assert!(!r.status);
    // ProgramInsufficientValue(have, want); the gas burnt up to it, and its three words' copy.
    assert_eq!(&r.output[..4], &arbwasm::PROGRAM_INSUFFICIENT_VALUE);
    assert_eq!(word_at(&r.output, 0), U256::from(fee - 1));
    assert_eq!(word_at(&r.output, 1), U256::from(fee));
    let burnt = BEFORE_COMPILE + compile_gas(EMPTY) + AFTER_COMPILE + 9;
    assert_eq!(r.gas_used, intrinsic(&data) + burnt);
    assert_eq!(chain.balance(from), before);
    assert!(!chain.is_active(program));
    // The pricer's demand was undone with the rest: the fee is the same.
    let ok = chain.send(from, arbwasm::ADDRESS, data, U256::from(fee));
    assert_eq!(word(&ok, 1), U256::from(fee));
}

fn word_at(output: &[u8], i: usize) -> U256 {
    U256::from_be_slice(&output[4 + 32 * i..4 + 32 * (i + 1)])
}

#[test]
fn refused_activations_burn_what_nitro_burns() {
    let (mut chain, from, program) = deployed();
    let data = activation_call(program);
    assert!(chain.activate(from, program).status);
    // Active and up to date: ProgramUpToDate() after the record's read, and one word's copy.
    let again = chain.send(from, arbwasm::ADDRESS, data.clone(), U256::ZERO);
    assert_eq!(again.output.as_ref(), &arbwasm::PROGRAM_UP_TO_DATE);
    assert_eq!(again.gas_used, intrinsic(&data) + BEFORE_COMPILE + 3);
    // Not a program: ProgramNotWasm().
    let eoa = activation_call(chain.accounts[5]);
    let r = chain.send(from, arbwasm::ADDRESS, eoa.clone(), U256::ZERO);
    assert_eq!(r.output.as_ref(), &arbwasm::PROGRAM_NOT_WASM);
    assert_eq!(r.gas_used, intrinsic(&eoa) + BEFORE_COMPILE + 3);
    // Invalid wasm (no entry point) burns all the gas; so does an unknown method.
    let bad = wat::parse_str(r#"(module (memory (export "memory") 1 1) (func (export "main")))"#).unwrap();
    let packed = stylus_devnet::pack::pack(&bad, [0; 32]).unwrap();
    let bad = chain
        .create(from, packed.init_code(), U256::ZERO)
        .contract_address
        .unwrap();
    let call = activation_call(bad);
    let r = chain.send_with_gas(from, arbwasm::ADDRESS, call.clone(), U256::ZERO, 3_000_000);
    assert_eq!((r.status, r.gas_used), (false, 3_000_000));
    let r = chain.send_with_gas(from, arbwasm::ADDRESS, vec![1, 2, 3, 4], U256::ZERO, 100_000);
    assert_eq!((r.status, r.gas_used), (false, 100_000));
}

#[test]
fn programs_expire_after_365_days_unless_kept_alive() {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let (program, _, _) = chain
        .deploy_program(from, &wat::parse_str(EMPTY).unwrap())
        .unwrap();
    let hash = chain.code_hash(program).0;
    let time_left = |chain: &mut Devnet| {
        let r = chain.call(
            from,
            arbwasm::ADDRESS,
            by_address([0xc7, 0x75, 0xa6, 0x2a], program),
        );
        (
            r.status,
            if r.status { word(&r, 0) } else { U256::ZERO },
            r.output,
        )
    };
    // Activated within the hour that started at most an hour ago.
    let (ok, left, _) = time_left(&mut chain);
    assert!(ok && left <= U256::from(365 * DAY) && left > U256::from(365 * DAY - 3_600));
    // A keepalive a day in is too soon: ProgramKeepaliveTooSoon(age).
    chain.advance(DAY);
    let keepalive = by_hash(arbwasm::CODEHASH_KEEPALIVE, hash);
    let r = chain.send(
        from,
        arbwasm::ADDRESS,
        keepalive.clone(),
        U256::from(10u64.pow(15)),
    );
    assert_eq!(&r.output[..4], &arbwasm::PROGRAM_KEEPALIVE_TOO_SOON);
    // At day 300 it is allowed, for the data fee of its whole KiB, and restarts the clock.
    chain.advance(299 * DAY);
    let owner_before = chain.balance(from);
    let r = chain.send(
        from,
        arbwasm::ADDRESS,
        keepalive.clone(),
        U256::from(10u64.pow(15)),
    );
    assert!(r.status, "{r:?}");
    assert_eq!(
        r.logs[0].topics()[0],
        keccak256("ProgramLifetimeExtended(bytes32,uint256)")
    );
    let fee = data_fee(asm_estimate(EMPTY).div_ceil(1_024) * 1_024, 0);
    assert_eq!(U256::from_be_slice(&r.logs[0].data.data), U256::from(fee));
    // The payer is also the chain owner here: the fee comes back to it.
    assert_eq!(chain.balance(from), owner_before);
    // Day 400 (100 after the keepalive): it still runs.
    chain.advance(100 * DAY);
    assert!(chain.send(from, program, Bytes::new(), U256::ZERO).status);
    // Day 666: expired. A call fails using all its gas; the getters say ProgramExpired(age).
    chain.advance(266 * DAY);
    let r = chain.send_with_gas(from, program, Bytes::new(), U256::ZERO, 200_000);
    assert_eq!((r.status, r.gas_used), (false, 200_000));
    let (ok, _, output) = time_left(&mut chain);
    assert!(!ok);
    assert_eq!(&output[..4], &arbwasm::PROGRAM_EXPIRED);
    assert!(!chain.is_active(program));
    // Nor is it cached (ArbWasmCache refuses an expired program, as Nitro's).
    let mut cache = vec![0xe7, 0x3a, 0xc9, 0xf2];
    cache.extend_from_slice(&[0; 12]);
    cache.extend_from_slice(program.as_slice());
    assert!(
        !chain
            .send(from, stylus_devnet::arbwasmcache::ADDRESS, cache, U256::ZERO)
            .status
    );
    // Activating it again is allowed (not ProgramUpToDate), and it runs again.
    assert!(chain.activate(from, program).status);
    assert!(chain.send(from, program, Bytes::new(), U256::ZERO).status);
}

#[test]
fn activation_refuses_console_imports_and_memory_it_cannot_charge_for() {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let refused = |chain: &mut Devnet, wat: &str| {
        let err = chain.deploy_program(from, &wat::parse_str(wat).unwrap());
        matches!(err, Err(e) if e.0.contains("activation failed"))
    };
    // Arbitrum's chains are not debug chains: no `console` imports.
    let console = r#"(module (import "console" "log_i32" (func (param i32)))
        (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(refused(&mut chain, console));
    // A memory that may grow needs `pay_for_memory_grow` to charge for it.
    let growable = r#"(module (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(refused(&mut chain, growable));
    let paid = r#"(module (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(!refused(&mut chain, paid));
}

/// Init costs that do not fit their 16-bit fields are refused (Nitro: "init cost too high"):
/// 1,000 functions of a 60-parameter type make type_len 60,000, so an init cost near 72,000.
#[test]
fn a_program_whose_init_cost_overflows_is_refused() {
    let module = |count: usize| {
        let params = vec!["i32"; 60].join(" ");
        let funcs = "(func (type $t) i32.const 0 drop)".repeat(count);
        let wat = format!(
            r#"(module (type $t (func (param {params})))
                (memory (export "memory") 1 1)
                {funcs}
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        );
        wat::parse_str(&wat).unwrap()
    };
    let mut chain = Devnet::new();
    let from = chain.accounts[1];
    let packed = stylus_devnet::pack::pack(&module(1_000), [0; 32]).unwrap();
    let program = chain
        .create(from, packed.init_code(), U256::ZERO)
        .contract_address
        .unwrap();
    let call = activation_call(program);
    let r = chain.send_with_gas(from, arbwasm::ADDRESS, call, U256::from(10u64.pow(16)), 5_000_000);
    assert_eq!((r.status, r.gas_used), (false, 5_000_000));
    assert!(!chain.is_active(program));
    // Half as many functions fit (about 36,000).
    assert!(chain.deploy_program(from, &module(500)).is_ok());
}

#[test]
fn arbos_51_burns_no_activation_gas_setting() {
    let mut chain = Devnet::with_arbos(ArbOs::V51);
    let from = chain.accounts[1];
    let packed = stylus_devnet::pack::pack(&wat::parse_str(EMPTY).unwrap(), [0; 32]).unwrap();
    let program = chain
        .create(from, packed.init_code(), U256::ZERO)
        .contract_address
        .unwrap();
    let data = activation_call(program);
    let r = chain.send(from, arbwasm::ADDRESS, data.clone(), U256::from(10u64.pow(15)));
    assert!(r.status);
    let burnt = BEFORE_COMPILE - 800 + compile_gas(EMPTY) + AFTER_COMPILE + 800 + 2_149 + 6;
    assert_eq!(r.gas_used, intrinsic(&data) + burnt);
    assert_eq!(word(&r, 0), U256::from(2));
    // An account without code is not a program, on every version.
    let eoa = chain.send(
        from,
        arbwasm::ADDRESS,
        activation_call(chain.accounts[7]),
        U256::ZERO,
    );
    assert_eq!(eoa.output.as_ref(), &arbwasm::PROGRAM_NOT_WASM);
}
