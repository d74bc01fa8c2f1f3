//! Golden gas: tiny WAT programs whose receipt gas is derived by hand from the documented prices
//! (`../shared/docs/stylus-runtime.md`). Every derivation is written next to its test.
//!
//! Common terms:
//! - a transaction with empty calldata: 21,000 intrinsic gas;
//! - entering a program: init gas 69·128 = 8,832, plus the module's init cost
//!   funcs·8.252 + (params + results of its functions)·1.059 + (wasm bytes)·0.1286, each term
//!   rounded down (Nitro's model; the wasm is the one activated: stripped, with its 45-byte
//!   `project_hash` section); plus the cached part every call pays, 11·32 = 352 + funcs·0.1342 +
//!   type·0.00089 + bytes·0.00122 + globals·1.628 + data·0.75244 + pages·5 (a one-function,
//!   one-page module without globals or data: 4 instrumentation globals → 6, + 5 = 11, so 363;
//!   data counts each segment's whole encoding: a flag byte, the offset expression
//!   `i32.const n; end`, the length and the bytes); plus the memory of its initial page: none
//!   (at most 2 pages open, all free);
//! - ink: each basic block pays its operators + 2,450; host calls their ink; EVM gas × 10,000.
//!   The frame's gas is the entry gas + ceil(total ink / 10,000).

use revm::context::result::{HaltReason, OutOfGasError};
use revm::primitives::{Address, Bytes, U256};
use stylus_devnet::{Devnet, Receipt};

const TX: u64 = 21_000;

/// Entry gas of a one-page module with `funcs` functions whose types total `type_len` values and
/// `data` bytes of data segments (whole, as encoded).
fn entry_with_data(wat: &str, funcs: u64, type_len: u64, data: u64) -> u64 {
    entry(wat, funcs, type_len) + data * 75_244 / 100_000
}

fn wasm_len(wat: &str) -> u64 {
    stylus_devnet::pack::pack(&wat::parse_str(wat).unwrap(), [0; 32])
        .unwrap()
        .wasm
        .len() as u64
}

/// The entry gas a cached program pays: 11·32 + cached_init_cost (its one page is free).
fn cached_entry(wat: &str, funcs: u64, type_len: u64) -> u64 {
    let len = wasm_len(wat);
    352 + funcs * 13_420 / 100_000 + type_len * 89 / 100_000 + len * 122 / 100_000 + 4 * 1_628 / 1_000 + 5
}

/// Entry gas of a one-page module with `funcs` functions whose types total `type_len` values.
fn entry(wat: &str, funcs: u64, type_len: u64) -> u64 {
    let len = wasm_len(wat);
    cached_entry(wat, funcs, type_len)
        + 8_832
        + funcs * 8_252 / 1_000
        + type_len * 1_059 / 1_000
        + len * 1_286 / 10_000
}

fn ink_gas(ink: u64) -> u64 {
    ink.div_ceil(10_000)
}

/// Deploys the program and sends it an empty transaction; prints the receipt's gas.
fn run(wat: &str, gas: u64) -> Receipt {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let wasm = wat::parse_str(wat).expect("valid wat");
    let (program, _, _) = chain.deploy_program(from, &wasm).expect("deploys");
    let r = chain.send_with_gas(from, program, Bytes::new(), U256::ZERO, gas);
    eprintln!("gas used: {}", r.gas_used);
    r
}

#[test]
fn empty_call() {
    // One block: i32.const (1) + end (1) + 2,450 = 2,452 ink -> 1 gas.
    // One function of type (i32) -> i32: init 8 + 2·1.059 → 2, plus the length term.
    let wat = r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    let r = run(wat, 1_000_000);
    assert!(r.status, "{r:?}");
    assert_eq!(r.gas_used, TX + entry(wat, 1, 2) + ink_gas(2_452));
}

#[test]
fn storage_write_cold() {
    // Blocks: [const, const, call] 3,802 + 2,450; [const, call] 3,801 + 2,450; [const, end] 2 + 2,450
    // = 14,955 ink. storage_cache_bytes32 18,480 ink; storage_flush_cache 68,073 ink.
    // SSTORE of a cold slot 0 -> 1 (EIP-2929 + EIP-2200): 2,100 + 20,000 = 22,100 gas.
    let wat = r#"(module
            (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
            (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
            (memory (export "memory") 1 1)
            (data (i32.const 63) "\01")
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 0 i32.const 32 call $cache
                i32.const 0 call $flush
                i32.const 0))"#;
    let r = run(wat, 1_000_000);
    assert!(r.status, "{r:?}");
    // The data segment (offset 63, one byte) is 6 bytes encoded.
    let ink = 14_955 + 18_480 + 68_073;
    assert_eq!(
        r.gas_used,
        TX + entry_with_data(wat, 1, 2, 6) + 22_100 + ink_gas(ink)
    );
}

#[test]
fn storage_read_cold_then_cached_then_warm_write() {
    // Blocks: [const, const, call] x2 = 2 × (3,802 + 2,450); [const, const, call] 6,252;
    // [const, call] 6,251; [const, end] 2,452 → 3 × 6,252 + 6,251 + 2,452 = 27,459 ink.
    // Two loads 2 × 18,480 (the first misses: SLOAD cold 2,100 gas + 5; the second hits: 0),
    // one cache 18,480 and one flush 68,073 ink; SSTORE of the now-warm slot 0 -> 1: 20,000 gas.
    let wat = r#"(module
            (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
            (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
            (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
            (memory (export "memory") 1 1)
            (data (i32.const 63) "\01")
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 0 i32.const 96 call $load
                i32.const 0 i32.const 96 call $load
                i32.const 0 i32.const 32 call $cache
                i32.const 0 call $flush
                i32.const 0))"#;
    let r = run(wat, 1_000_000);
    assert!(r.status, "{r:?}");
    let ink = 27_459 + 2 * 18_480 + 18_480 + 68_073;
    assert_eq!(
        r.gas_used,
        TX + entry_with_data(wat, 1, 2, 6) + 2_105 + 20_000 + ink_gas(ink)
    );
}

#[test]
fn keccak() {
    // [const ×3, call] 3,803 + 2,450; [const, end] 2,452 → 8,705 ink; native_keccak256 of 64
    // bytes (2 words): 121,800 ink. Total 130,505 ink → 14 gas.
    let wat = r#"(module
            (import "vm_hooks" "native_keccak256" (func $k (param i32 i32 i32)))
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 0 i32.const 64 i32.const 64 call $k
                i32.const 0))"#;
    let r = run(wat, 1_000_000);
    assert!(r.status, "{r:?}");
    assert_eq!(r.gas_used, TX + entry(wat, 1, 2) + ink_gas(8_705 + 121_800));
}

#[test]
fn log_with_two_topics() {
    // emit_log(0, 96, 2): 68,073 + read_price(96) = 68,073 + 16,381 + 55·64 = 87,974 ink, and
    // 375·(1 + 2) + 8·32 = 1,381 gas. Blocks as for keccak: 8,705 ink. 96,679 ink → 10 gas.
    let wat = r#"(module
            (import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 0 i32.const 96 i32.const 2 call $log
                i32.const 0))"#;
    let r = run(wat, 1_000_000);
    assert!(r.status, "{r:?}");
    assert_eq!(r.logs.len(), 1);
    assert_eq!(r.logs[0].topics().len(), 2);
    assert_eq!(
        r.gas_used,
        TX + entry(wat, 1, 2) + 1_381 + ink_gas(8_705 + 87_974)
    );
}

#[test]
fn call_into_an_empty_account() {
    // call_contract(addr 0, data 0, len 0, value 32, gas i64::MAX, ret 64): ink 83,193 +
    // 2·read_price(0) = 83,193 + 32,762 = 115,955; cold account 2,600 gas; the callee has no code,
    // so all forwarded gas returns. Blocks: [const ×6, call] 3,806 + 2,450; [drop, const, end]
    // 11 + 2,450 → 8,717 ink. 124,672 ink → 13 gas.
    let wat = r#"(module
            (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
            (memory (export "memory") 1 1)
            (data (i32.const 0) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\0b\ad")
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 0 i32.const 0 i32.const 0 i32.const 32 i64.const 0x7fffffffffffffff i32.const 64
                call $call
                drop i32.const 0))"#;
    let r = run(wat, 1_000_000);
    assert!(r.status, "{r:?}");
    assert_eq!(
        r.gas_used,
        TX + entry_with_data(wat, 1, 2, 25) + 2_600 + ink_gas(8_717 + 115_955)
    );
}

/// A program that calls `callee` with no data, all gas and no value, and ignores the status.
fn caller_of(callee: Address) -> String {
    let hex: String = callee.as_slice().iter().map(|b| format!("\\{b:02x}")).collect();
    format!(
        r#"(module
            (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
            (memory (export "memory") 1 1)
            (data (i32.const 0) "{hex}")
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 0 i32.const 0 i32.const 0 i32.const 32 i64.const 0x7fffffffffffffff i32.const 64
                call $call
                drop i32.const 0))"#
    )
}

const EMPTY: &str = r#"(module (memory (export "memory") 1 1)
    (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;

/// An EVM contract calling a program: runtime code `PUSH0 ×5, PUSH20 program, GAS, CALL, STOP`.
#[test]
fn evm_contract_calls_a_program() {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let (program, _, _) = chain
        .deploy_program(from, &wat::parse_str(EMPTY).unwrap())
        .unwrap();
    let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73];
    code.extend_from_slice(program.as_slice());
    code.extend_from_slice(&[0x5a, 0xf1, 0x00]);
    let forwarder = Address::repeat_byte(0xF0);
    chain.set_code(forwarder, code.into());
    let r = chain.send_with_gas(from, forwarder, Bytes::new(), U256::ZERO, 1_000_000);
    assert!(r.status, "{r:?}");
    // EVM: PUSH0 ×5 (2 each) + PUSH20 (3) + GAS (2) + CALL to a cold account (2,600) = 2,615;
    // the program's frame as in `empty_call`: its entry + 1 gas of ink.
    assert_eq!(r.gas_used, TX + 2_615 + entry(EMPTY, 1, 2) + ink_gas(2_452));
}

/// A program calling a program (the empty one): the callee enters with 1 more page open in the
/// transaction (2 pages ≤ 2 free, and floor(31,874,000^(2/128)) − floor(31,874,000^(1/128)) = 0).
#[test]
fn program_calls_a_program() {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let (callee, _, _) = chain
        .deploy_program(from, &wat::parse_str(EMPTY).unwrap())
        .unwrap();
    let caller_wat = caller_of(callee);
    let (caller, _, _) = chain
        .deploy_program(from, &wat::parse_str(&caller_wat).unwrap())
        .unwrap();
    let r = chain.send_with_gas(from, caller, Bytes::new(), U256::ZERO, 1_000_000);
    assert!(r.status, "{r:?}");
    // Caller: as `call_into_an_empty_account` (8,717 + 115,955 ink, cold access 2,600);
    // callee: its init gas (its page is free too: 2 open), + 1 gas of ink.
    let callee_entry = entry(EMPTY, 1, 2);
    let expected = TX
        + entry_with_data(&caller_wat, 1, 2, 25)
        + 2_600
        + ink_gas(8_717 + 115_955)
        + callee_entry
        + ink_gas(2_452);
    assert_eq!(r.gas_used, expected);
}

/// A program calling an EVM contract whose runtime code is
/// `PUSH1 42, PUSH0, MSTORE, PUSH1 32, PUSH0, RETURN`.
#[test]
fn program_calls_an_evm_contract() {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let callee = Address::repeat_byte(0xC0);
    chain.set_code(
        callee,
        vec![0x60, 0x2a, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3].into(),
    );
    let wat = caller_of(callee);
    let (program, _, _) = chain
        .deploy_program(from, &wat::parse_str(&wat).unwrap())
        .unwrap();
    let r = chain.send_with_gas(from, program, Bytes::new(), U256::ZERO, 1_000_000);
    assert!(r.status, "{r:?}");
    // Program: as `call_into_an_empty_account` (8,717 + 115,955 ink, cold access 2,600).
    // Callee: PUSH1 3 + PUSH0 2 + MSTORE 3 + one word of memory 3 + PUSH1 3 + PUSH0 2 = 16 gas.
    assert_eq!(
        r.gas_used,
        TX + entry_with_data(&wat, 1, 2, 25) + 2_600 + 16 + ink_gas(8_717 + 115_955)
    );
}

/// `create1` with init code `PUSH1 42, PUSH1 0, MSTORE8, PUSH1 1, PUSH1 0, RETURN`, which deploys
/// the one-byte code 0x2a.
#[test]
fn program_creates_a_contract() {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let wat = r#"(module
        (import "vm_hooks" "create1" (func $create (param i32 i32 i32 i32 i32)))
        (memory (export "memory") 1 1)
        (data (i32.const 0) "\60\2a\60\00\53\60\01\60\00\f3")
        (func (export "user_entrypoint") (param i32) (result i32)
            i32.const 0 i32.const 10 i32.const 32 i32.const 64 i32.const 96 call $create
            i32.const 0))"#;
    let (program, _, _) = chain.deploy_program(from, &wat::parse_str(wat).unwrap()).unwrap();
    let r = chain.send_with_gas(from, program, Bytes::new(), U256::ZERO, 1_000_000);
    assert!(r.status, "{r:?}");
    let created = program.create(1);
    assert_eq!(chain.code(created).as_ref(), &[0x2a]);
    // create1: 83,193 + 2·read_price(10) = 115,955 ink; 32,000 gas; the init code: PUSH1 ×4 (12)
    // + MSTORE8 3 + one word of memory 3 = 18 gas, and 200 gas per deposited byte.
    // Blocks: [const ×5, call] 3,805 + 2,450; [const, end] 2,452 → 8,707 ink.
    assert_eq!(
        r.gas_used,
        TX + entry_with_data(wat, 1, 2, 15) + 32_000 + 18 + 200 + ink_gas(8_707 + 115_955)
    );
}

/// ArbWasm's getters and the ProgramActivated event.
#[test]
fn arbwasm_getters_answer() {
    use revm::primitives::keccak256;
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let (program, _, activated) = chain
        .deploy_program(from, &wat::parse_str(EMPTY).unwrap())
        .unwrap();
    let code_hash = chain.code_hash(program);
    let log = &activated.logs[0];
    assert_eq!(log.address, stylus_devnet::arbwasm::ADDRESS);
    assert_eq!(
        log.topics()[0],
        keccak256("ProgramActivated(bytes32,bytes32,address,uint256,uint16)")
    );
    assert_eq!(log.topics()[1], code_hash);
    let word = |r: Receipt| U256::from_be_slice(&r.output);
    let arb = stylus_devnet::arbwasm::ADDRESS;
    assert_eq!(
        word(chain.call(from, arb, vec![0xa9, 0x96, 0xe0, 0xc2])),
        U256::from(3u8)
    );
    assert_eq!(
        word(chain.call(from, arb, vec![0xd1, 0xc1, 0x7a, 0xbc])),
        U256::from(10_000u32)
    );
    let mut by_hash = vec![0xd7, 0x0c, 0x0c, 0xa7];
    by_hash.extend_from_slice(code_hash.as_slice());
    assert_eq!(word(chain.call(from, arb, by_hash)), U256::from(3u8));
    let mut by_address = vec![0xcc, 0x8f, 0x4e, 0x88];
    by_address.extend_from_slice(&[0; 12]);
    by_address.extend_from_slice(program.as_slice());
    assert_eq!(word(chain.call(from, arb, by_address)), U256::from(3u8));
    let mut unknown = vec![0xd7, 0x0c, 0x0c, 0xa7];
    unknown.extend_from_slice(&[7; 32]);
    assert!(!chain.call(from, arb, unknown).status);
    // programInitGas(address): the entry outside and inside the cache, before memory.
    let mut init_gas = vec![0x62, 0xb6, 0x88, 0xaa];
    init_gas.extend_from_slice(&[0; 12]);
    init_gas.extend_from_slice(program.as_slice());
    let r = chain.call(from, arb, init_gas);
    assert!(r.status, "{r:?}");
    assert_eq!(
        U256::from_be_slice(&r.output[..32]),
        U256::from(entry(EMPTY, 1, 2))
    );
    assert_eq!(
        U256::from_be_slice(&r.output[32..]),
        U256::from(cached_entry(EMPTY, 1, 2))
    );
}

/// Growing memory pays the memory model first: from 1 page to 3, the third page is beyond the 2
/// free pages (1,000 gas); the exponential term T[3] − T[1] = 1 − 1 = 0. Ink: one block [const,
/// memory.grow, drop, const, end] 8,062 + 2,450 → 10,512 ink → 2 gas (`pay_for_memory_grow`
/// with pages to open pays no ink of its own).
#[test]
fn memory_growth_pays_for_pages() {
    let wat = r#"(module
        (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32)
            i32.const 2 memory.grow drop i32.const 0))"#;
    let r = run(wat, 1_000_000);
    assert!(r.status, "{r:?}");
    assert_eq!(r.gas_used, TX + entry(wat, 1, 2) + 1_000 + ink_gas(10_512));
}

fn assert_all_gas_used(r: &Receipt, limit: u64) {
    assert!(!r.status, "{r:?}");
    assert_eq!(r.gas_used, limit, "{r:?}");
}

#[test]
fn out_of_ink_loop_uses_all_gas() {
    let wat = r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) (loop $l br $l) i32.const 0))"#;
    let r = run(wat, 200_000);
    assert_all_gas_used(&r, 200_000);
    assert_eq!(r.halt, Some(HaltReason::OutOfGas(OutOfGasError::Basic)));
}

#[test]
fn a_float_op_can_never_be_paid() {
    let wat = r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) f64.const 1 drop i32.const 0))"#;
    let r = run(wat, 200_000);
    assert_all_gas_used(&r, 200_000);
}

#[test]
fn too_deep_recursion_fails_using_all_gas() {
    let wat = r#"(module (memory (export "memory") 1 1)
            (func $f call $f)
            (func (export "user_entrypoint") (param i32) (result i32) call $f i32.const 0))"#;
    let r = run(wat, 30_000_000);
    assert_all_gas_used(&r, 30_000_000);
}

/// The stack budget is 22,000 words; a frame costs its worst-case operand stack + locals + 4.
/// The entrypoint (1 param, stack height 1) takes 6 words; `$f` (1 param, height 2) takes 7, so
/// floor(21,994 / 7) = 3,142 frames of `$f` fit: f(3141) recurses into 3,142 frames, f(3142) one
/// frame too many.
#[test]
fn the_stack_budget_is_22000_words() {
    let wat = |n: u32| {
        format!(
            r#"(module (memory (export "memory") 1 1)
                (func $f (param i32)
                    local.get 0 i32.eqz if return end
                    local.get 0 i32.const 1 i32.sub call $f)
                (func (export "user_entrypoint") (param i32) (result i32) i32.const {n} call $f i32.const 0))"#
        )
    };
    assert!(run(&wat(3_141), 10_000_000).status);
    assert_all_gas_used(&run(&wat(3_142), 10_000_000), 10_000_000);
}

#[test]
fn a_trap_reverts_with_empty_data_and_refunds() {
    // [unreachable] 1 + 2,450 ink → 1 gas; the rest is refunded.
    let wat = r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) unreachable))"#;
    let r = run(wat, 1_000_000);
    assert!(!r.status && r.halt.is_none() && r.output.is_empty(), "{r:?}");
    assert_eq!(r.gas_used, TX + entry(wat, 1, 2) + 1);
}

#[test]
fn a_non_zero_status_reverts_with_the_written_result() {
    let wat = r#"(module
            (import "vm_hooks" "write_result" (func $w (param i32 i32)))
            (memory (export "memory") 1 1)
            (data (i32.const 0) "nope")
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 0 i32.const 4 call $w
                i32.const 1))"#;
    let r = run(wat, 1_000_000);
    assert!(!r.status && r.halt.is_none(), "{r:?}");
    assert_eq!(r.output.as_ref(), b"nope");
}

#[test]
fn a_program_that_is_not_activated_cannot_run() {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let wasm = wat::parse_str(
        r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    )
    .unwrap();
    let packed = stylus_devnet::pack::pack(&wasm, [0; 32]).unwrap();
    let program = Address::repeat_byte(0x42);
    chain.set_code(program, packed.code.into());
    let r = chain.send_with_gas(from, program, Bytes::new(), U256::ZERO, 100_000);
    assert_all_gas_used(&r, 100_000);
    // Activation makes it callable.
    assert!(chain.activate(from, program).status);
    assert!(
        chain
            .send_with_gas(from, program, Bytes::new(), U256::ZERO, 100_000)
            .status
    );
}

#[test]
fn activation_rejects_invalid_programs() {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    // No user_entrypoint export.
    let wasm = wat::parse_str(r#"(module (memory (export "memory") 1 1) (func (export "main")))"#).unwrap();
    let err = chain.deploy_program(from, &wasm).unwrap_err();
    assert!(err.0.contains("activation failed"), "{err}");
}

/// Execution gets at most 32M gas (ArbOS 50's per-transaction limit): a larger gas limit is not
/// refused, but an endless loop sent with 40M stops at 32M, and only that is charged.
#[test]
fn execution_is_capped_at_32m_gas() {
    let mut chain = Devnet::new();
    let (a, b) = (chain.accounts[0], chain.accounts[1]);
    let transfer = chain.send_with_gas(a, b, Bytes::new(), U256::from(1u8), 40_000_000);
    assert_eq!((transfer.status, transfer.gas_used), (true, TX));
    let wat = r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) (loop $l br $l) i32.const 0))"#;
    let r = run(wat, 40_000_000);
    assert_all_gas_used(&r, 32_000_000);
}

#[test]
fn a_cached_program_pays_only_the_cached_entry() {
    // The empty call again, before and after ArbWasmCache.cacheProgram: the second skips the
    // uncached part 69·128 + init_cost (init 8 + 2·1.059 → 2, plus the length term).
    let wat = r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    let mut chain = Devnet::new();
    let (owner, other) = (chain.accounts[0], chain.accounts[1]);
    let (program, _, _) = chain
        .deploy_program(owner, &wat::parse_str(wat).unwrap())
        .unwrap();
    let before = chain.send(owner, program, Bytes::new(), U256::ZERO);
    let mut cache = hex::decode("e73ac9f2").unwrap();
    cache.extend([0u8; 12]);
    cache.extend(program.as_slice());
    let refused = chain.send(
        other,
        stylus_devnet::arbwasmcache::ADDRESS,
        cache.clone(),
        U256::ZERO,
    );
    assert!(!refused.status, "only the chain owner caches");
    let cached = chain.send(owner, stylus_devnet::arbwasmcache::ADDRESS, cache, U256::ZERO);
    assert!(cached.status, "{cached:?}");
    let after = chain.send(owner, program, Bytes::new(), U256::ZERO);
    assert_eq!(before.gas_used, TX + entry(wat, 1, 2) + ink_gas(2_452));
    assert_eq!(after.gas_used, TX + cached_entry(wat, 1, 2) + ink_gas(2_452));
}
