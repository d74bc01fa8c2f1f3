//! `pack` against the rules of `../shared/docs/stylus-runtime.md` §1, byte for byte.

use stylus_devnet::pack::*;
use wasmparser::{Parser, Payload};

/// A module shaped like rustc's output: a table, a `call_indirect` whose table index is written
/// as `table_index` (rustc: the overlong LEB `80 00`; MVP: `00`), a `name` section and a
/// `producers` section.
fn module_with_call_indirect(table_index: &[u8]) -> Vec<u8> {
    use std::borrow::Cow;
    use wasm_encoder::*;
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32], [ValType::I32]);
    let mut functions = FunctionSection::new();
    functions.function(0).function(0);
    let mut tables = TableSection::new();
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        minimum: 1,
        maximum: None,
        table64: false,
        shared: false,
    });
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut exports = ExportSection::new();
    exports.export("memory", ExportKind::Memory, 0);
    exports.export("user_entrypoint", ExportKind::Func, 1);
    let mut elements = ElementSection::new();
    elements.active(
        None,
        &ConstExpr::i32_const(0),
        Elements::Functions(Cow::Borrowed(&[0])),
    );
    let mut code = CodeSection::new();
    code.raw(&[0x00, 0x20, 0x00, 0x0B]); // identity: local.get 0
    let mut entry = vec![0x00, 0x20, 0x00, 0x41, 0x00, 0x11, 0x00];
    entry.extend_from_slice(table_index);
    entry.push(0x0B);
    code.raw(&entry);
    let mut names = NameSection::new();
    let mut fnames = NameMap::new();
    fnames.append(0, "identity");
    names.functions(&fnames);
    let mut module = Module::new();
    module
        .section(&types)
        .section(&functions)
        .section(&tables)
        .section(&memories)
        .section(&exports)
        .section(&elements)
        .section(&code)
        .section(&names);
    let mut wasm = module.finish();
    append_custom_section(&mut wasm, "producers", b"rustc 1.97");
    wasm
}

fn sample_wasm() -> Vec<u8> {
    module_with_call_indirect(&[0x80, 0x00])
}

fn custom_sections(wasm: &[u8]) -> Vec<(String, Vec<u8>)> {
    Parser::new(0)
        .parse_all(wasm)
        .filter_map(|p| match p.unwrap() {
            Payload::CustomSection(c) => Some((c.name().to_string(), c.data().to_vec())),
            _ => None,
        })
        .collect()
}

#[test]
fn reencode_turns_overlong_call_indirect_into_mvp_form() {
    let rustc_like = sample_wasm();
    assert!(
        validate_stylus_features(&rustc_like).is_err(),
        "the overlong form needs reference types"
    );
    validate_stylus_features(&module_with_call_indirect(&[0x00])).unwrap();
    let packed = pack(&rustc_like, [7; 32]).unwrap();
    validate_stylus_features(&packed.wasm).unwrap();
    assert!(packed.wasm.windows(4).any(|w| w == [0x11, 0x00, 0x00, 0x0B]));
    assert!(!packed.wasm.windows(3).any(|w| w == [0x11, 0x00, 0x80]));
}

#[test]
fn pack_strips_custom_sections_and_appends_project_hash() {
    let hash = [0x5a; 32];
    let packed = pack(&sample_wasm(), hash).unwrap();
    assert_eq!(
        custom_sections(&packed.wasm),
        vec![(PROJECT_HASH_SECTION.to_string(), hash.to_vec())]
    );
    // The section is the module's last bytes: id 0, size 45, name length 12, name, hash.
    let mut tail = vec![0x00, 45, 12];
    tail.extend_from_slice(b"project_hash");
    tail.extend_from_slice(&hash);
    assert!(packed.wasm.ends_with(&tail));
}

#[test]
fn pack_prefixes_brotli_of_the_processed_wasm() {
    let packed = pack(&sample_wasm(), [1; 32]).unwrap();
    assert_eq!(&packed.code[..4], &[0xEF, 0xF0, 0x00, 0x00]);
    assert_eq!(packed.code[4..], compress(&packed.wasm).unwrap()[..]);
    assert_eq!(unpack(&packed.code).unwrap(), packed.wasm);
    assert_eq!(packed.onchain_len(), packed.code.len());
    assert_eq!(packed.raw_len, sample_wasm().len());
}

#[test]
fn pack_is_deterministic() {
    assert_eq!(
        pack(&sample_wasm(), [3; 32]).unwrap(),
        pack(&sample_wasm(), [3; 32]).unwrap()
    );
}

#[test]
fn init_code_is_the_43_byte_prelude_then_the_code() {
    let code = vec![0xEF, 0xF0, 0x00, 0x00, 0xAB, 0xCD];
    let init = deployment_init_code(&code);
    let mut expected = vec![0x7F];
    expected.extend_from_slice(&[0u8; 31]);
    expected.push(6);
    expected.extend_from_slice(&[0x80, 0x60, 0x2B, 0x60, 0x00, 0x39, 0x60, 0x00, 0xF3, 0x00]);
    expected.extend_from_slice(&code);
    assert_eq!(init, expected);
    assert_eq!(init.len(), PRELUDE_LEN + code.len());
}

#[test]
fn init_code_encodes_long_lengths_big_endian() {
    let code = vec![0u8; 0x1_2345];
    let init = deployment_init_code(&code);
    assert_eq!(&init[30..33], &[0x01, 0x23, 0x45]);
}

#[test]
fn pack_rejects_invalid_wasm_and_unpack_rejects_other_code() {
    assert!(matches!(
        pack(b"not wasm", [0; 32]),
        Err(PackError::InvalidWasm(_))
    ));
    assert_eq!(unpack(&[0xEF, 0xF0, 0x01, 0x00, 1, 2]), None);
    assert_eq!(unpack(&[0x60, 0x00]), None);
}

#[test]
fn pack_rejects_simd() {
    let wasm = wat::parse_str(
        r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32)
                v128.const i64x2 0 0 drop local.get 0))"#,
    )
    .unwrap();
    assert!(matches!(
        pack(&wasm, [0; 32]),
        Err(PackError::UnsupportedFeature(_))
    ));
}

/// The gas profiler names the deployed program's functions from a build that kept its `name`
/// section: packing (the text round trip, the MVP `call_indirect`, stripping) must leave every
/// function at its index.
#[test]
fn pack_keeps_every_function_at_its_index() {
    use stylus_devnet::function_names::{function_names, same_functions};
    let rustc_like = sample_wasm();
    let packed = pack(&rustc_like, [7; 32]).unwrap();
    assert!(same_functions(&rustc_like, &packed.wasm).unwrap());
    assert_eq!(function_names(&rustc_like).unwrap()[&0], "identity");
    // The two encodings of `call_indirect`'s table are the same operator.
    assert!(same_functions(&rustc_like, &module_with_call_indirect(&[0x00])).unwrap());
    let other = wat::parse_str(
        r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
    )
    .unwrap();
    assert!(!same_functions(&rustc_like, &other).unwrap());
}
