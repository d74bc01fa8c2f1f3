//! Golden gas for the rules checked against Nitro's source in December 2026
//! (`crates/stylus-devnet/README.md`, "Gas rules"): the storage cache's surcharges and what a
//! flush writes, the code readers, `math_pow`, pages closing with their frame, the page cap,
//! ArbOS 61's recent-programs cache and Stylus v3's activation rules, and the code-size limit.
//! Each expected figure is derived by hand next to its test, with the terms of `golden_gas.rs`:
//! a block pays its operators + 2,450 ink (`i32.const` and `end` 1, `drop` 9, `call` 3,800).

use revm::primitives::{Address, Bytes, U256};
use stylus_devnet::{ArbOs, Devnet, Receipt};

const TX: u64 = 21_000;
/// A block `i32.const, i32.const, call`: 1 + 1 + 3,800 + 2,450 ink.
const CONST2_CALL: u64 = 6_252;
/// The last block `i32.const 0, end`: 2 + 2,450 ink.
const RETURN_ZERO: u64 = 2_452;

fn wasm_len(wat: &str) -> u64 {
    stylus_devnet::pack::pack(&wat::parse_str(wat).unwrap(), [0; 32])
        .unwrap()
        .wasm
        .len() as u64
}

/// The cached part of a one-function `(i32) -> i32`, one-page module's entry with `data` bytes of
/// data segments (whole, as encoded): 11·32 = 352, functions 1·0.1342 → 0, types 2·0.00089 → 0,
/// globals (the instrumentation's 4)·1.628 → 6, pages 1·5, then the length and data terms.
fn cached_entry(wat: &str, data: u64) -> u64 {
    363 + wasm_len(wat) * 122 / 100_000 + data * 75_244 / 100_000
}

/// The whole entry outside the cache: the cached part, 69·128 = 8,832, functions 1·8.252 → 8,
/// types 2·1.059 → 2 and the length term (its page is free: as in `golden_gas.rs`).
fn entry(wat: &str, data: u64) -> u64 {
    cached_entry(wat, data) + 8_842 + wasm_len(wat) * 1_286 / 10_000
}

fn ink_gas(ink: u64) -> u64 {
    ink.div_ceil(10_000)
}

/// Deploys `wat` on `chain` and sends it an empty transaction with 1M gas.
fn deploy_and_run(chain: &mut Devnet, wat: &str) -> Receipt {
    let from = chain.accounts[0];
    let (program, _, _) = chain.deploy_program(from, &wat::parse_str(wat).unwrap()).unwrap();
    chain.send_with_gas(from, program, Bytes::new(), U256::ZERO, 1_000_000)
}

/// A program whose entry point runs `body` (wat instructions) and returns 0, importing `imports`.
fn program(imports: &str, data: &str, body: &str) -> String {
    format!(
        r#"(module {imports}
            (memory (export "memory") 1 1)
            {data}
            (func (export "user_entrypoint") (param i32) (result i32) {body} i32.const 0))"#
    )
}

const LOAD: &str = r#"(import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))"#;
const CACHE: &str = r#"(import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))"#;
const FLUSH: &str = r#"(import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))"#;

/// Every load pays a surcharge by how many the call has made, hits included: nothing for loads
/// 1–32, 2 gas for 33–128, 10 from 129. 130 loads of slot 0: the first misses (2,100 cold + 5);
/// surcharges 96·2 + 2·10 = 212. Ink: 130 blocks [const, const, call] and 130 × 18,480.
#[test]
fn each_load_pays_a_surcharge_by_count_hits_included() {
    let body = "i32.const 0 i32.const 96 call $load ".repeat(130);
    let wat = program(LOAD, "", &body);
    let r = deploy_and_run(&mut Devnet::new(), &wat);
    assert!(r.status, "{r:?}");
    let ink = 130 * (CONST2_CALL + 18_480) + RETURN_ZERO;
    assert_eq!(r.gas_used, TX + entry(&wat, 0) + 2_105 + 212 + ink_gas(ink));
}

/// Every write to the cache counts, the same slot again included: writes 9 and 10 pay 7 each.
/// Slot 0 was never loaded, so the flush writes it (cold, 0 → 1: 22,100). The data segment
/// (offset 63, one byte) is 6 bytes encoded. Ink: 10 × [const, const, call], [const, call]
/// 3,801 + 2,450, the last block; 10 × 18,480 and the flush's 68,073.
#[test]
fn each_write_pays_a_surcharge_by_count_the_same_slot_included() {
    let body = format!(
        "{}i32.const 0 call $flush",
        "i32.const 0 i32.const 32 call $cache ".repeat(10)
    );
    let wat = program(
        &format!("{CACHE} {FLUSH}"),
        r#"(data (i32.const 63) "\01")"#,
        &body,
    );
    let r = deploy_and_run(&mut Devnet::new(), &wat);
    assert!(r.status, "{r:?}");
    let ink = 10 * (CONST2_CALL + 18_480) + 6_251 + 68_073 + RETURN_ZERO;
    assert_eq!(r.gas_used, TX + entry(&wat, 6) + 14 + 22_100 + ink_gas(ink));
}

/// A flush writes a slot only if its value differs from the one last loaded: slot 0 loaded
/// (2,105) and written back unchanged costs no SSTORE. Written without a load it is always
/// flushed: a cold no-op SSTORE, 2,100 + 100. Ink: [const, const, call] per host call,
/// [const, call] for the flush, the last block.
#[test]
fn a_flush_skips_a_slot_written_back_unchanged_but_not_one_never_loaded() {
    let imports = format!("{LOAD} {CACHE} {FLUSH}");
    let loaded = program(
        &imports,
        "",
        "i32.const 0 i32.const 96 call $load i32.const 0 i32.const 96 call $cache i32.const 0 call $flush",
    );
    let r = deploy_and_run(&mut Devnet::new(), &loaded);
    assert!(r.status, "{r:?}");
    let ink = 2 * (CONST2_CALL + 18_480) + 6_251 + 68_073 + RETURN_ZERO;
    assert_eq!(r.gas_used, TX + entry(&loaded, 0) + 2_105 + ink_gas(ink));

    let blind = program(
        &imports,
        "",
        "i32.const 0 i32.const 96 call $cache i32.const 0 call $flush",
    );
    let r = deploy_and_run(&mut Devnet::new(), &blind);
    assert!(r.status, "{r:?}");
    let ink = CONST2_CALL + 18_480 + 6_251 + 68_073 + RETURN_ZERO;
    assert_eq!(r.gas_used, TX + entry(&blind, 0) + 2_200 + ink_gas(ink));
}

/// `account_code_size` twice on one account: 68,073 ink each; the first pays EXTCODESIZE's 700
/// and the cold access 2,600, the repeat nothing (the call keeps the code it read last). The
/// 20-byte address at offset 0 is a 25-byte segment. Blocks: [const, call] 3,801 + 2,450;
/// [drop, const, call] 3,810 + 2,450; [drop, const, end] 11 + 2,450.
#[test]
fn the_code_readers_pay_extcodesize_and_access_once_per_account_in_a_row() {
    let mut chain = Devnet::new();
    let target = Address::repeat_byte(0xC0);
    chain.set_code(target, Bytes::from_static(&[0x60, 0x00]));
    let hex: String = target.as_slice().iter().map(|b| format!("\\{b:02x}")).collect();
    let wat = format!(
        r#"(module
            (import "vm_hooks" "account_code_size" (func $size (param i32) (result i32)))
            (memory (export "memory") 1 1)
            (data (i32.const 0) "{hex}")
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 0 call $size drop i32.const 0 call $size drop i32.const 0))"#
    );
    let r = deploy_and_run(&mut chain, &wat);
    assert!(r.status, "{r:?}");
    let ink = 6_251 + 6_260 + 2_461 + 2 * 68_073;
    assert_eq!(r.gas_used, TX + entry(&wat, 25) + 3_300 + ink_gas(ink));
}

/// `math_pow` pays 23,520 + 3,000 + 17,500 per significant byte of the exponent plus one
/// (33 − its leading zero bytes): 44,020 ink for an exponent of 0, 604,020 for one whose top
/// byte is set (memory at 32: 0x80…; a 6-byte segment).
#[test]
fn math_pow_pays_by_the_exponents_bytes() {
    let import = r#"(import "vm_hooks" "math_pow" (func $pow (param i32 i32)))"#;
    let zero = program(import, "", "i32.const 0 i32.const 32 call $pow");
    let r = deploy_and_run(&mut Devnet::new(), &zero);
    assert!(r.status, "{r:?}");
    assert_eq!(
        r.gas_used,
        TX + entry(&zero, 0) + ink_gas(CONST2_CALL + 44_020 + RETURN_ZERO)
    );
    let wide = program(
        import,
        r#"(data (i32.const 32) "\80")"#,
        "i32.const 0 i32.const 32 call $pow",
    );
    let r = deploy_and_run(&mut Devnet::new(), &wide);
    assert!(r.status, "{r:?}");
    assert_eq!(
        r.gas_used,
        TX + entry(&wide, 6) + ink_gas(CONST2_CALL + 604_020 + RETURN_ZERO)
    );
}

/// A program that grows its memory by 2 pages.
const GROWS_TWO_PAGES: &str = r#"(module
    (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
    (memory (export "memory") 1)
    (func (export "user_entrypoint") (param i32) (result i32)
        i32.const 2 memory.grow drop i32.const 0))"#;

/// A program that calls `callee` `times` times (no data, all gas, no value).
fn calls(callee: Address, times: usize) -> String {
    let hex: String = callee.as_slice().iter().map(|b| format!("\\{b:02x}")).collect();
    let call = "i32.const 0 i32.const 0 i32.const 0 i32.const 32 i64.const 0x7fffffffffffffff i32.const 64 call $call drop ";
    format!(
        r#"(module
            (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
            (memory (export "memory") 1 1)
            (data (i32.const 0) "{hex}")
            (func (export "user_entrypoint") (param i32) (result i32) {} i32.const 0))"#,
        call.repeat(times)
    )
}

/// Pages close when their frame returns: a callee that opens 3 pages on top of its caller's one
/// pays 2 pages beyond the free 2 (2,000 gas) each time it is called in a transaction, not 3,000
/// from its second call on (its own page would no longer be free). Under ArbOS 51 (no
/// recent-programs cache), so every call pays the callee's whole entry. The caller's ink for k
/// calls: [const ×6, call] 3,806 + 2,450, then [drop, const ×6, call] 3,815 + 2,450 for each
/// further call, [drop, const, end] 11 + 2,450, and 115,955 per `call_contract`; access 2,600
/// cold then 100 warm. The callee's ink: one block of 10,512 (see `golden_gas.rs`), 2 gas.
#[test]
fn pages_close_with_their_frame_so_repeated_calls_pay_the_same() {
    let mut chain = Devnet::with_arbos(ArbOs::V51);
    let from = chain.accounts[0];
    let (callee, _, _) = chain
        .deploy_program(from, &wat::parse_str(GROWS_TWO_PAGES).unwrap())
        .unwrap();
    for k in 1..=4u64 {
        let wat = calls(callee, k as usize);
        let (caller, _, _) = chain
            .deploy_program(from, &wat::parse_str(&wat).unwrap())
            .unwrap();
        let r = chain.send_with_gas(from, caller, Bytes::new(), U256::ZERO, 10_000_000);
        assert!(r.status, "{r:?}");
        let caller_ink = 6_256 + (k - 1) * 6_265 + 2_461 + k * 115_955;
        let access = 2_600 + (k - 1) * 100;
        let per_call = entry(GROWS_TWO_PAGES, 0) + 2_000 + 2;
        assert_eq!(
            r.gas_used,
            TX + entry(&wat, 25) + access + ink_gas(caller_ink) + k * per_call,
            "{k} calls"
        );
    }
}

/// More than 128 pages open at once is out of gas: a program opening 128 pages on top of its
/// one uses all its gas.
#[test]
fn more_than_128_pages_open_is_out_of_gas() {
    let wat = r#"(module
        (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32)
            i32.const 128 memory.grow drop i32.const 0))"#;
    for arbos in [ArbOs::V51, ArbOs::V61] {
        let r = deploy_and_run(&mut Devnet::with_arbos(arbos), wat);
        assert!(!r.status && r.gas_used == 1_000_000, "{arbos:?}: {r:?}");
    }
}

const EMPTY: &str = r#"(module (memory (export "memory") 1 1)
    (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;

/// From ArbOS 60 a program run already in this block pays only the cached entry; a new block
/// forgets; an `eth_call` starts with none run; ArbOS 51 has no such cache.
#[test]
fn arbos_61_charges_a_repeat_in_the_same_block_only_the_cached_entry() {
    let full = TX + entry(EMPTY, 0) + ink_gas(RETURN_ZERO);
    let repeat = TX + cached_entry(EMPTY, 0) + ink_gas(RETURN_ZERO);
    let mut chain = Devnet::new();
    assert_eq!(chain.arbos(), ArbOs::V61);
    let from = chain.accounts[0];
    let (program, _, _) = chain
        .deploy_program(from, &wat::parse_str(EMPTY).unwrap())
        .unwrap();
    let send = |chain: &mut Devnet| chain.send(from, program, Bytes::new(), U256::ZERO).gas_used;
    assert_eq!(send(&mut chain), full);
    assert_eq!(send(&mut chain), repeat);
    assert_eq!(chain.call(from, program, Bytes::new()).gas_used, full);
    assert_eq!(
        send(&mut chain),
        repeat,
        "the eth_call left the block's programs alone"
    );
    chain.advance(0);
    assert_eq!(send(&mut chain), full);

    let mut chain = Devnet::with_arbos(ArbOs::V51);
    let (program, _, _) = chain
        .deploy_program(from, &wat::parse_str(EMPTY).unwrap())
        .unwrap();
    for _ in 0..2 {
        assert_eq!(chain.send(from, program, Bytes::new(), U256::ZERO).gas_used, full);
    }
}

/// Stylus v3 (ArbOS 59 on) activates no function with several results; ArbOS 51 did. The
/// version ArbWasm reports follows.
#[test]
fn stylus_v3_rejects_multi_value_at_activation() {
    let wat = r#"(module (memory (export "memory") 1 1)
        (func $pair (result i32 i32) i32.const 1 i32.const 2)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    let wasm = wat::parse_str(wat).unwrap();
    let mut v61 = Devnet::new();
    let from = v61.accounts[0];
    let err = v61.deploy_program(from, &wasm).unwrap_err();
    assert!(err.0.contains("activation failed"), "{err}");
    let mut v51 = Devnet::with_arbos(ArbOs::V51);
    assert!(v51.deploy_program(from, &wasm).is_ok());
    let version = |chain: &mut Devnet| {
        U256::from_be_slice(
            &chain
                .call(
                    from,
                    stylus_devnet::arbwasm::ADDRESS,
                    vec![0xa9, 0x96, 0xe0, 0xc2],
                )
                .output,
        )
    };
    assert_eq!(version(&mut v61), U256::from(3u8));
    assert_eq!(version(&mut v51), U256::from(2u8));
}

/// Code above 24,576 bytes does not deploy (Arbitrum's `MaxCodeSize`): init code
/// `PUSH2 n, PUSH0, RETURN` returns n zero bytes.
#[test]
fn code_above_24576_bytes_does_not_deploy() {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let init = |n: u16| {
        let [hi, lo] = n.to_be_bytes();
        vec![0x61, hi, lo, 0x5f, 0xf3]
    };
    assert!(chain.deploy(from, init(24_576)).is_ok());
    assert!(chain.deploy(from, init(24_577)).is_err());
}

/// A program that reverts (status 1, no data): 2,452 ink, as the empty program.
const REVERTS: &str = r#"(module (memory (export "memory") 1 1)
    (func (export "user_entrypoint") (param i32) (result i32) i32.const 1))"#;

/// A program counts as run in the block even when its transaction reverts; an `eth_call` to a
/// program the block has not run pays the whole entry and leaves it unrun for the block.
#[test]
fn a_reverted_call_counts_as_run_and_an_eth_call_leaves_the_block_alone() {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let (reverts, _, _) = chain
        .deploy_program(from, &wat::parse_str(REVERTS).unwrap())
        .unwrap();
    let (empty, _, _) = chain
        .deploy_program(from, &wat::parse_str(EMPTY).unwrap())
        .unwrap();
    let first = chain.send(from, reverts, Bytes::new(), U256::ZERO);
    assert!(!first.status);
    assert_eq!(first.gas_used, TX + entry(REVERTS, 0) + ink_gas(RETURN_ZERO));
    let again = chain.send(from, reverts, Bytes::new(), U256::ZERO);
    assert_eq!(
        again.gas_used,
        TX + cached_entry(REVERTS, 0) + ink_gas(RETURN_ZERO)
    );
    let full = TX + entry(EMPTY, 0) + ink_gas(RETURN_ZERO);
    assert_eq!(chain.call(from, empty, Bytes::new()).gas_used, full);
    assert_eq!(chain.send(from, empty, Bytes::new(), U256::ZERO).gas_used, full);
}

/// The load count runs on across a flush, and a flush that clears the cache makes the next
/// load of the slot miss again (warm now: 100 + 5): 32 loads of slot 0 (one cold miss, 2,105),
/// `storage_flush_cache(1)` with nothing written (its ink only), then a 33rd load: a warm miss
/// and the 2-gas surcharge.
#[test]
fn the_load_count_runs_across_a_flush_and_a_clear_forgets_the_slots() {
    let load = "i32.const 0 i32.const 96 call $load ";
    let body = format!("{}i32.const 1 call $flush {load}", load.repeat(32));
    let wat = program(&format!("{LOAD} {FLUSH}"), "", &body);
    let r = deploy_and_run(&mut Devnet::new(), &wat);
    assert!(r.status, "{r:?}");
    let ink = 33 * (CONST2_CALL + 18_480) + 6_251 + 68_073 + RETURN_ZERO;
    assert_eq!(r.gas_used, TX + entry(&wat, 0) + 2_105 + 105 + 2 + ink_gas(ink));
}

/// `math_div` pays 43,520 ink and `math_mul_mod` 52,660 (no gas). Blocks: [const, const, call]
/// and [const ×3, call] 3,803 + 2,450.
#[test]
fn math_div_and_mul_mod_pay_their_ink() {
    let div = program(
        r#"(import "vm_hooks" "math_div" (func $div (param i32 i32)))"#,
        "",
        "i32.const 0 i32.const 32 call $div",
    );
    let r = deploy_and_run(&mut Devnet::new(), &div);
    assert!(r.status, "{r:?}");
    assert_eq!(
        r.gas_used,
        TX + entry(&div, 0) + ink_gas(CONST2_CALL + 43_520 + RETURN_ZERO)
    );
    let mul_mod = program(
        r#"(import "vm_hooks" "math_mul_mod" (func $mm (param i32 i32 i32)))"#,
        "",
        "i32.const 0 i32.const 32 i32.const 64 call $mm",
    );
    let r = deploy_and_run(&mut Devnet::new(), &mul_mod);
    assert!(r.status, "{r:?}");
    assert_eq!(
        r.gas_used,
        TX + entry(&mul_mod, 0) + ink_gas(6_253 + 52_660 + RETURN_ZERO)
    );
}

/// `account_code` pays the write price of the whole code whatever it copies: none of a 100-byte
/// code costs 68,073 + 5,040 + 30·68 ink, and 700 + 2,600 gas. Blocks: [const ×4, call]
/// 3,804 + 2,450; [drop, const, end] 2,461.
#[test]
fn account_code_pays_for_the_whole_code() {
    let mut chain = Devnet::new();
    let target = Address::repeat_byte(0xC1);
    chain.set_code(target, Bytes::from(vec![0x5b; 100]));
    let hex: String = target.as_slice().iter().map(|b| format!("\\{b:02x}")).collect();
    let wat = format!(
        r#"(module
            (import "vm_hooks" "account_code" (func $code (param i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 1 1)
            (data (i32.const 0) "{hex}")
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 0 i32.const 0 i32.const 0 i32.const 64 call $code drop i32.const 0))"#
    );
    let r = deploy_and_run(&mut chain, &wat);
    assert!(r.status, "{r:?}");
    let ink = 6_254 + 2_461 + 68_073 + 5_040 + 30 * 68;
    assert_eq!(r.gas_used, TX + entry(&wat, 25) + 3_300 + ink_gas(ink));
}

/// Init code above 49,152 bytes (twice `MaxCodeSize`) is refused: `PUSH0, PUSH0, RETURN` padded
/// with zero bytes.
#[test]
fn init_code_above_49152_bytes_is_refused() {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let init = |n: usize| {
        let mut code = vec![0x5f, 0x5f, 0xf3];
        code.resize(n, 0);
        code
    };
    assert!(chain.deploy(from, init(49_152)).is_ok());
    assert!(chain.deploy(from, init(49_153)).is_err());
}

/// Nitro refuses to activate code already active at the chain's Stylus version
/// (`ProgramUpToDate`), and changes nothing; a deployment of the same wasm at a new address then
/// skips the activation, as `cargo stylus deploy` does, and the program runs.
#[test]
fn code_already_active_is_not_activated_again() {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let wat = program("", "", "");
    let (first, _, activated) = chain
        .deploy_program(from, &wat::parse_str(&wat).unwrap())
        .unwrap();
    assert!(activated.gas_used > 0);
    assert!(chain.is_active(first));
    let again = chain.activate(from, first);
    assert!(!again.status);
    assert_eq!(again.output.as_ref(), &stylus_devnet::arbwasm::PROGRAM_UP_TO_DATE);
    let (second, _, skipped) = chain
        .deploy_program(from, &wat::parse_str(&wat).unwrap())
        .unwrap();
    assert_ne!(first, second);
    assert_eq!((skipped.status, skipped.gas_used), (true, 0));
    assert!(chain.send(from, second, Vec::new(), U256::ZERO).status);
}
