//! The gas profiler (`profile`, `gas_profile`): exact ink per function, derived by hand below;
//! the counters sum to the ink the frame was charged; profiling changes no charge; off, the
//! instrumented bytes are what they were before profiling existed.
//!
//! Prices (`pricing.rs`): each basic block pays its operators + 2,450 ink; `memory.fill` 950 + 100
//! per byte at run time; `evm_gas_left` 8,400 ink (host); 10,000 ink = 1 gas.

use revm::primitives::{keccak256, Address, Bytes, U256};
use stylus_devnet::function_names::function_names;
use stylus_devnet::gas_profile::{FunctionProfile, ProgramProfile};
use stylus_devnet::{meter, pack, Devnet, Receipt};

/// Function 0 imports `evm_gas_left`; function 1 (`$inc`) adds one; function 2, the entry point,
/// fills 64 bytes, calls `$inc` three times in a loop and once through the table, and asks for
/// the gas left.
///
/// `$inc`, one block [local.get 75, i32.const 1, i32.add 70, end 1] = 147 + 2,450 = 2,597 ink
/// a call; 4 calls: 10,388 ink.
///
/// The entry point's blocks:
/// - [const, const, const, memory.fill 950, loop 1] = 954 → 3,404, and 64 bytes · 100 = 6,400;
/// - [local.get 75, call 3,800] = 3,875 → 6,325, three times: 18,975;
/// - [local.tee 75, const 1, i32.lt_u 170, br_if 765] = 1,011 → 3,461, three times: 10,383;
/// - [end 1] → 2,451;
/// - [call 3,800] → 6,250;
/// - [drop 9, local.get 75, const 1, call_indirect 13,610 + 650 for its one parameter] = 14,345 →
///   16,795;
/// - [drop 9, const 1, end 1] = 11 → 2,461.
///
/// Its own ink: 60,719 + 6,400 = 67,119; its host ink: `evm_gas_left`, 8,400. The frame: 85,907
/// ink, 9 gas.
const PROGRAM: &str = r#"(module
  (import "vm_hooks" "evm_gas_left" (func $gas_left (result i64)))
  (type $unary (func (param i32) (result i32)))
  (memory (export "memory") 1 1)
  (table 1 1 funcref)
  (elem (i32.const 0) $inc)
  (func $inc (type $unary)
    local.get 0 i32.const 1 i32.add)
  (func (export "user_entrypoint") (param i32) (result i32) (local i32)
    i32.const 0 i32.const 0 i32.const 64 memory.fill
    loop
      local.get 1 call $inc
      local.tee 1 i32.const 3 i32.lt_u br_if 0
    end
    call $gas_left
    drop local.get 1 i32.const 0 call_indirect (type $unary)
    drop i32.const 0))"#;

/// keccak256 of `meter::instrument` of `PROGRAM` as deployed, taken before profiling existed.
const UNPROFILED_DIGEST: &str = "0xe416dd8ca32c104531a8196501736f774d9551e635b8cd9ce982708171b5a250";

/// Deploys `wat` and calls it once, profiled or not: the chain, the receipt, the program.
fn run(wat: &str, profiling: bool) -> (Devnet, Receipt, Address) {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let (program, _, _) = chain.deploy_program(from, &wat::parse_str(wat).unwrap()).unwrap();
    chain.set_profiling(profiling);
    let r = chain.send(from, program, Bytes::new(), U256::ZERO);
    assert!(r.status, "{r:?}");
    (chain, r, program)
}

/// The profile of the program at `program`.
fn profile_of(chain: &mut Devnet, program: Address) -> ProgramProfile {
    let code_hash = chain.code_hash(program);
    chain.gas_profile().program(code_hash).cloned().unwrap()
}

#[test]
fn unprofiled_instrumentation_is_byte_for_byte_what_it_was() {
    // The digest was taken when `PROGRAM`'s memory had no maximum (since refused at activation
    // without `pay_for_memory_grow`): instrument that module.
    let then = PROGRAM.replace(
        r#"(memory (export "memory") 1 1)"#,
        r#"(memory (export "memory") 1)"#,
    );
    let deployed = pack::pack(&wat::parse_str(then).unwrap(), [0; 32]).unwrap().wasm;
    let instrumented = meter::instrument(&deployed).unwrap();
    assert_eq!(keccak256(&instrumented).to_string(), UNPROFILED_DIGEST);
    let (profiled, _) = meter::instrument_profiled(&deployed).unwrap();
    assert_ne!(profiled, instrumented);
}

#[test]
fn profiling_charges_the_same_gas() {
    let (_, unprofiled, _) = run(PROGRAM, false);
    let (_, profiled, _) = run(PROGRAM, true);
    assert_eq!(profiled, unprofiled);
}

#[test]
fn self_ink_host_ink_and_calls_per_function_are_exact() {
    let (mut chain, r, program) = run(PROGRAM, true);
    let p = profile_of(&mut chain, program);
    assert_eq!(
        p.functions,
        vec![
            FunctionProfile {
                index: 1,
                ink: 10_388,
                host_ink: 0,
                calls: 4
            },
            FunctionProfile {
                index: 2,
                ink: 67_119,
                host_ink: 8_400,
                calls: 1
            },
        ]
    );
    assert_eq!((p.frames, p.ink), (1, 85_907));
    // The receipt: 21,000 + the entry gas + 9 gas of ink.
    assert_eq!(r.gas_used, 21_000 + p.entry_gas + 9);
}

#[test]
fn the_counters_sum_to_the_ink_the_frame_was_charged() {
    let (mut chain, _, program) = run(PROGRAM, true);
    let p = profile_of(&mut chain, program);
    assert_eq!(p.attributed_ink(), p.ink);
    assert_eq!(p.self_ink(), 10_388 + 67_119);
}

/// Growing memory calls `pay_for_memory_grow` (inserted by the meter): the 1,000 gas of the
/// third page (no ink of its own when it opens pages) is the entry point's host ink.
#[test]
fn memory_growth_is_host_ink_of_the_function_that_grows() {
    let wat = r#"(module
        (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32)
            i32.const 2 memory.grow drop i32.const 0))"#;
    let (mut chain, r, program) = run(wat, true);
    let p = profile_of(&mut chain, program);
    assert_eq!(p.functions.len(), 1);
    assert_eq!(p.functions[0].host_ink, 1_000 * 10_000);
    assert_eq!(p.attributed_ink(), p.ink);
    assert_eq!(run(wat, false).1, r);
}

#[test]
fn profiles_add_up_over_calls_and_reset() {
    let (mut chain, _, program) = run(PROGRAM, true);
    let from = chain.accounts[0];
    let r = chain.send(from, program, Bytes::new(), U256::ZERO);
    assert!(r.status, "{r:?}");
    let p = profile_of(&mut chain, program);
    assert_eq!((p.frames, p.ink), (2, 2 * 85_907));
    assert_eq!(p.functions[0].calls, 8);
    let code_hash = chain.code_hash(program);
    chain.reset_gas_profile();
    assert_eq!(chain.gas_profile().program(code_hash), None);
    chain.set_profiling(false);
    chain.send(from, program, Bytes::new(), U256::ZERO);
    assert_eq!(chain.gas_profile().program(code_hash), None);
}

#[test]
fn names_come_from_the_name_section_by_function_index() {
    let names = function_names(&wat::parse_str(PROGRAM).unwrap()).unwrap();
    assert_eq!(names.get(&0).map(String::as_str), Some("gas_left"));
    assert_eq!(names.get(&1).map(String::as_str), Some("inc"));
    let deployed = pack::pack(&wat::parse_str(PROGRAM).unwrap(), [0; 32])
        .unwrap()
        .wasm;
    assert!(function_names(&deployed).unwrap().is_empty(), "pack strips names");
}
