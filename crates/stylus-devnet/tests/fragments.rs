//! Programs larger than one code (ArbOS 60 on): fragments and a root, deployed, activated (the
//! fragments' reads charged as Nitro charges them), called; and what is refused.

mod common;
use common::{activation_call, intrinsic};
use revm::primitives::{Address, Bytes, U256};
use stylus_devnet::fragments::{Fragmented, Root};
use stylus_devnet::pack::{self, MAX_PROGRAM_BYTES};
use stylus_devnet::precompiles::module_shape::validate;
use stylus_devnet::{arbwasm, ArbOs, Devnet, Receipt};

/// A program with 40,000 bytes of incompressible data in its one page, which answers the 32
/// bytes at offset 30,000: about 40 KB compressed, two fragments.
fn big_program() -> (String, Vec<u8>) {
    // splitmix64's outputs, a byte each.
    let data: Vec<u8> = (1u64..=40_000)
        .map(|i| {
            let mut z = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as u8
        })
        .collect();
    let escaped: String = data.iter().map(|b| format!("\\{b:02x}")).collect();
    let wat = format!(
        r#"(module
            (import "vm_hooks" "write_result" (func $write (param i32 i32)))
            (memory (export "memory") 1 1)
            (data (i32.const 0) "{escaped}")
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 30000 i32.const 32 call $write i32.const 0))"#
    );
    (wat, data)
}

/// Gas an activation burns before it reads the wasm (as `tests/activation.rs` derives it).
const BEFORE_WASM: u64 = 800 + 3 + 800 + 1_659_168 + 100 + 800;

/// Reading a fragment of `len` bytes for the first time: 2,600 and 3 a word.
fn cold_read(len: usize) -> u64 {
    2_600 + 3 * len.div_ceil(32) as u64
}

/// Deploys `code` as it is (a fragment or a root): its address.
fn deploy_code(chain: &mut Devnet, code: &[u8]) -> Address {
    let from = chain.accounts[1];
    let r = chain.create(from, pack::deployment_init_code(code), U256::ZERO);
    r.contract_address.filter(|_| r.status).expect("deploys")
}

#[test]
fn a_program_larger_than_one_code_runs_from_its_root() {
    let (wat, data) = big_program();
    let wasm = wat::parse_str(&wat).unwrap();
    let packed = pack::pack(&wasm, [0; 32]).unwrap();
    assert!(packed.code.len() > MAX_PROGRAM_BYTES, "{}", packed.code.len());
    let fragmented = Fragmented::of(&packed);
    assert_eq!(fragmented.fragments.len(), 2);
    assert_eq!(fragmented.fragments[0].len(), MAX_PROGRAM_BYTES);

    let mut chain = Devnet::new();
    let from = chain.accounts[1];
    let addresses: Vec<Address> = fragmented
        .fragments
        .iter()
        .map(|f| deploy_code(&mut chain, f))
        .collect();
    let root = deploy_code(&mut chain, &fragmented.root_code(&addresses));
    assert_eq!(chain.code(root).len(), 8 + 40);
    let call = activation_call(root);
    let r = chain.send(from, arbwasm::ADDRESS, call.clone(), U256::from(10u64.pow(16)));
    assert!(r.status, "{r:?}");
    // The fragments' reads, then the compile work of the whole wasm, the writes, the fee
    // account's read, the event and the answer.
    let reads = cold_read(fragmented.fragments[0].len()) + cold_read(fragmented.fragments[1].len());
    let compile = validate(&packed.wasm, false).unwrap().compile_gas();
    let after = 20_000 + 4_000 + 40_000 + 20_000 + 800 + 2_149 + 6;
    assert_eq!(
        r.gas_used,
        intrinsic(&call) + BEFORE_WASM + reads + compile + after
    );
    // It runs, and answers from the data only the second fragment held whole.
    let answer = chain.send(from, root, Bytes::new(), U256::ZERO);
    assert!(answer.status, "{answer:?}");
    assert_eq!(answer.output.as_ref(), &data[30_000..30_032]);
    // A fragment that no longer holds what was activated (destroyed and created again with
    // other bytes; set directly here): the root does not run, as Nitro refuses a module whose
    // hash is not the activated one.
    let mut other = fragmented.fragments[1].clone();
    let last = other.len() - 1;
    other[last] ^= 1;
    chain.set_code(addresses[1], other.into());
    let r = chain.send_with_gas(from, root, Bytes::new(), U256::ZERO, 200_000);
    assert_eq!((r.status, r.gas_used), (false, 200_000));
    // `deploy_program` does the same.
    let (program, _, activated) = Devnet::new().deploy_program(from, &wasm).unwrap();
    assert!(activated.status && program != Address::ZERO);
}

#[test]
fn arbos_51_has_no_fragments() {
    let (wat, _) = big_program();
    let mut chain = Devnet::with_arbos(ArbOs::V51);
    let from = chain.accounts[1];
    assert!(chain
        .deploy_program(from, &wat::parse_str(&wat).unwrap())
        .is_err());
    // A fragment's code starts with EF: EIP-3541 refuses it.
    let r = chain.create(
        from,
        pack::deployment_init_code(&[0xEF, 0xF0, 0x01, 1, 2]),
        U256::ZERO,
    );
    assert!(!r.status);
}

/// Refused activations: a plain failure (a revert with no data) keeping the gas not burnt.
fn refused(chain: &mut Devnet, program: Address) -> Receipt {
    let from = chain.accounts[1];
    let r = chain.send(
        from,
        arbwasm::ADDRESS,
        activation_call(program),
        U256::from(10u64.pow(16)),
    );
    assert!(!r.status && r.output.is_empty() && r.halt.is_none(), "{r:?}");
    r
}

#[test]
fn bad_roots_and_fragments_are_refused() {
    let (wat, _) = big_program();
    let packed = pack::pack(&wat::parse_str(&wat).unwrap(), [0; 32]).unwrap();
    let fragmented = Fragmented::of(&packed);
    let mut chain = Devnet::new();
    let a: Vec<Address> = fragmented
        .fragments
        .iter()
        .map(|f| deploy_code(&mut chain, f))
        .collect();
    let call = activation_call(a[0]);
    // A fragment is not activated on its own.
    let r = refused(&mut chain, a[0]);
    assert_eq!(r.gas_used, intrinsic(&call) + BEFORE_WASM);
    // More than two fragments, or none.
    let three = deploy_code(&mut chain, &fragmented.root_code(&[a[0], a[1], a[1]]));
    assert_eq!(
        refused(&mut chain, three).gas_used,
        intrinsic(&call) + BEFORE_WASM
    );
    let none = deploy_code(&mut chain, &fragmented.root_code(&[]));
    refused(&mut chain, none);
    // A declared length that is not the wasm's: refused after reading both fragments.
    let wrong = Root {
        dictionary: 0,
        decompressed_len: fragmented.decompressed_len - 1,
        fragments: a.clone(),
    };
    let wrong = deploy_code(&mut chain, &wrong.code());
    let reads = cold_read(fragmented.fragments[0].len()) + cold_read(fragmented.fragments[1].len());
    let r = refused(&mut chain, wrong);
    assert_eq!(
        r.gas_used,
        intrinsic(&activation_call(wrong)) + BEFORE_WASM + reads
    );
    // Fragments in the wrong order do not decompress.
    let swapped = deploy_code(&mut chain, &fragmented.root_code(&[a[1], a[0]]));
    refused(&mut chain, swapped);
    // Calling a fragment runs EVM code that starts with an invalid opcode: all gas used.
    let from = chain.accounts[1];
    let r = chain.send_with_gas(from, a[0], Bytes::new(), U256::ZERO, 100_000);
    assert_eq!((r.status, r.gas_used), (false, 100_000));
}
