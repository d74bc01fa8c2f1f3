//! What activation checks in a decompressed program (`stylus-runtime.md` §2) and what it learns
//! about the module's shape, from which Nitro models its init costs, the gas of the compile work
//! and the size of the machine code it prices the data fee by (`crates/prover/src/binary.rs`,
//! `crates/prover/src/programs/mod.rs` `activate`).

use wasmparser::{Operator, Parser, Payload, TypeRef, Validator, WasmFeatures};

use crate::meter::ends_block;
use crate::pack;

/// What activation learns about a module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModuleShape {
    /// Initial memory pages (the footprint).
    pub pages: u16,
    /// Defined functions.
    pub funcs: u64,
    /// Σ (params + results) over the defined functions' types.
    pub type_len: u64,
    /// Globals after instrumentation (ink left, ink status, a scratch word and the stack depth
    /// add four).
    pub globals: u64,
    /// Bytes of the data and element segments, each whole as encoded (flags, index, offset,
    /// length and contents).
    pub data_len: u64,
    /// Bytes of the data segments' contents.
    pub data_bytes: u64,
    /// Bytes of the element segments, each whole as encoded.
    pub elem_len: u64,
    /// Operators of the defined functions after Nitro's instrumentation ([`instrumented_ops`]).
    pub instrumented_ops: u64,
    /// Length of the wasm.
    pub wasm_len: u64,
}

/// Gas a modelled microsecond of compile work costs at activation: Nitro's `us_to_gas`,
/// fudge 2 × 7,000,000 per sync rate 500,000.
pub const GAS_PER_COMPILE_MICROSECOND: u64 = 28;

impl ModuleShape {
    /// Nitro's modelled init cost (from Stylus version 2): funcs·8.252 + type_len·1.059 + len·0.1286,
    /// each term rounded down.
    pub fn init_cost(&self) -> u64 {
        self.funcs * 8_252 / 1_000 + self.type_len * 1_059 / 1_000 + self.wasm_len * 1_286 / 10_000
    }

    /// Nitro's modelled init cost of a cached program.
    pub fn cached_init_cost(&self) -> u64 {
        self.funcs * 13_420 / 100_000
            + self.type_len * 89 / 100_000
            + self.wasm_len * 122 / 100_000
            + self.globals * 1_628 / 1_000
            + self.data_len * 75_244 / 100_000
            + u64::from(self.pages) * 5
    }

    /// Gas of the compile work at activation (Nitro's `activate`, ArbOS 32 on): microseconds
    /// modelled per wasm byte (0.31733), defined function (0.17263), data byte and element byte
    /// (0.17376 each), initial page (2,217) and instrumented operator (0.535), each term rounded
    /// down, at [`GAS_PER_COMPILE_MICROSECOND`].
    pub fn compile_gas(&self) -> u64 {
        [
            self.wasm_len.saturating_mul(31_733) / 100_000,
            self.funcs.saturating_mul(17_263) / 100_000,
            self.data_bytes.saturating_mul(17_376) / 100_000,
            self.elem_len.saturating_mul(17_376) / 100_000,
            u64::from(self.pages).saturating_mul(2_217),
            self.instrumented_ops.saturating_mul(535) / 1_000,
        ]
        .iter()
        .map(|us| us.saturating_mul(GAS_PER_COMPILE_MICROSECOND))
        .fold(0, u64::saturating_add)
    }

    /// Nitro's estimate of the program's machine code, bytes (`asm_estimate`): 512,000 + funcs ·
    /// 996.829 + type_len · 11.416 + wasm length · 6.2628, each term rounded down. The data fee is
    /// priced by it.
    pub fn asm_estimate(&self) -> u64 {
        512_000u64
            .saturating_add(self.funcs.saturating_mul(996_829) / 1_000)
            .saturating_add(self.type_len.saturating_mul(11_416) / 1_000)
            .saturating_add(self.wasm_len.saturating_mul(62_628) / 10_000)
    }
}

/// The operators a function body has after Nitro's instrumentation, in its order (start mover,
/// ink meter, dynamic meter, depth checker, heap bound), from the body's own operators (its
/// final `end` included): the meter puts 12 before each operator that ends a basic block; the
/// dynamic meter 17 before each `memory.fill` and `memory.copy`; the depth checker 12 at entry, a
/// `return` before the final `end` and 4 before every `return`; the heap bound 4 before each
/// `memory.grow` when the program pays for memory growth (`pays_for_growth`).
pub fn instrumented_ops<'a>(ops: impl IntoIterator<Item = Operator<'a>>, pays_for_growth: bool) -> u64 {
    use Operator::*;
    let mut count = 0u64;
    let mut returns = 0u64;
    for op in ops {
        count += 1;
        if ends_block(&op) {
            count += 12;
        }
        match op {
            MemoryFill { .. } | MemoryCopy { .. } => count += 17,
            MemoryGrow { .. } if pays_for_growth => count += 4,
            Return => returns += 1,
            _ => {}
        }
    }
    // The entry check (12), the added `return` (1) and a reclaim (4) before each `return`.
    count + 13 + 4 * (returns + 1)
}

/// Checks a decompressed program against §2 and returns its shape; `multi_value`: whether
/// functions and blocks may have several results (not from Stylus v3). Errors: the first rule
/// the module breaks, in words.
pub fn validate(wasm: &[u8], multi_value: bool) -> Result<ModuleShape, String> {
    let mut features = pack::stylus_features();
    features.set(WasmFeatures::MULTI_VALUE, multi_value);
    Validator::new_with_features(features)
        .validate_all(wasm)
        .map_err(|e| e.to_string())?;
    let mut pages = 0u64;
    let mut has_memory = false;
    let mut has_entry = false;
    let mut types: Vec<(Vec<wasmparser::ValType>, Vec<wasmparser::ValType>)> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut imported_funcs = 0u32;
    let mut entry_index = None;
    let mut globals = 4u64;
    let mut data_len = 0u64;
    let mut data_bytes = 0u64;
    let mut elem_len = 0u64;
    let mut defined = 0u64;
    let mut max_pages = None;
    let mut pay_for_growth = None;
    let mut bodies = Vec::new();
    let mut table_entries = 0u64;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::TypeSection(r) => {
                for t in r.into_iter_err_on_gc_types() {
                    let t = t.map_err(|e| e.to_string())?;
                    types.push((t.params().to_vec(), t.results().to_vec()));
                }
            }
            Payload::ImportSection(r) => {
                if r.count() > 513 {
                    return Err("more than 513 imports".into());
                }
                for imp in r.into_imports() {
                    let imp = imp.map_err(|e| e.to_string())?;
                    // `console` too: Arbitrum's chains are not debug chains.
                    if imp.module != "vm_hooks" {
                        return Err(format!("import from module {:?}", imp.module));
                    }
                    if let TypeRef::Func(t) = imp.ty {
                        if imp.name == "pay_for_memory_grow" {
                            pay_for_growth = Some(t);
                        }
                        func_types.push(t);
                        imported_funcs += 1;
                    } else {
                        return Err("only functions may be imported".into());
                    }
                }
            }
            Payload::FunctionSection(r) => {
                for t in r {
                    func_types.push(t.map_err(|e| e.to_string())?);
                    defined += 1;
                }
                if func_types.len() > 4096 {
                    return Err("more than 4096 functions".into());
                }
            }
            Payload::MemorySection(r) => {
                for m in r {
                    let m = m.map_err(|e| e.to_string())?;
                    pages = m.initial;
                    max_pages = m.maximum;
                }
            }
            Payload::StartSection { .. } => return Err("a start function".into()),
            Payload::GlobalSection(r) => {
                if r.count() > 32_768 {
                    return Err("more than 32,768 globals".into());
                }
                globals += u64::from(r.count());
            }
            Payload::TableSection(r) => {
                for t in r {
                    table_entries += t.map_err(|e| e.to_string())?.ty.initial;
                }
            }
            Payload::DataSection(r) => {
                if r.count() > 128 {
                    return Err("more than 128 data segments".into());
                }
                for d in r {
                    let d = d.map_err(|e| e.to_string())?;
                    data_len += d.range.end - d.range.start;
                    data_bytes += d.data.len() as u64;
                }
            }
            Payload::ElementSection(r) => {
                if r.count() > 128 {
                    return Err("more than 128 element segments".into());
                }
                for e in r {
                    let range = e.map_err(|e| e.to_string())?.range;
                    data_len += range.end - range.start;
                    elem_len += range.end - range.start;
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut locals = 0u32;
                for l in body.get_locals_reader().map_err(|e| e.to_string())? {
                    locals += l.map_err(|e| e.to_string())?.0;
                }
                if locals > 348 {
                    return Err("more than 348 locals in a function".into());
                }
                bodies.push(body);
            }
            Payload::ExportSection(r) => {
                if r.count() > 1_024 {
                    return Err("more than 1,024 exports".into());
                }
                for e in r {
                    let e = e.map_err(|e| e.to_string())?;
                    if e.name.starts_with("stylus") {
                        return Err(format!("reserved export name {:?}", e.name));
                    }
                    match (e.name, e.kind) {
                        ("memory", wasmparser::ExternalKind::Memory) => has_memory = true,
                        ("user_entrypoint", wasmparser::ExternalKind::Func) => {
                            has_entry = true;
                            entry_index = Some(e.index);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if !has_memory || !has_entry {
        return Err("exports must include `memory` and `user_entrypoint`".into());
    }
    let entry_ty = entry_index
        .and_then(|i| func_types.get(i as usize))
        .and_then(|t| types.get(*t as usize))
        .ok_or("bad entrypoint")?;
    if entry_ty.0 != [wasmparser::ValType::I32] || entry_ty.1 != [wasmparser::ValType::I32] {
        return Err("user_entrypoint must be (i32) -> i32".into());
    }
    if pages > 128 {
        return Err("more than 128 initial pages".into());
    }
    if table_entries > 4_096 || elem_len > 4_096 {
        return Err("more than 4,096 table or element entries".into());
    }
    // A memory that can grow must be paid for (Nitro's heap bound).
    let pays_for_growth = max_pages != Some(pages);
    if pays_for_growth {
        let ty = pay_for_growth
            .and_then(|t| types.get(t as usize))
            .ok_or("a memory that can grow needs the import vm_hooks.pay_for_memory_grow")?;
        if ty.0 != [wasmparser::ValType::I32] || !ty.1.is_empty() {
            return Err("pay_for_memory_grow must be (i32) -> ()".into());
        }
    }
    let mut ops = 0u64;
    for body in bodies {
        let reader = body.get_operators_reader().map_err(|e| e.to_string())?;
        let body_ops = reader
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let body = instrumented_ops(body_ops, pays_for_growth);
        if body > 65_536 {
            return Err("more than 65,536 operators in a function after instrumentation".into());
        }
        ops += body;
    }
    let type_len = func_types
        .iter()
        .skip(imported_funcs as usize)
        .filter_map(|t| types.get(*t as usize))
        .map(|(p, r)| (p.len() + r.len()) as u64)
        .sum();
    Ok(ModuleShape {
        pages: pages as u16,
        funcs: defined,
        type_len,
        globals,
        data_len,
        data_bytes,
        elem_len,
        instrumented_ops: ops,
        wasm_len: wasm.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::BlockType;

    #[test]
    fn instrumentation_adds_nitro_s_operators() {
        use Operator::*;
        // block local.get br_if const return end; const const const memory.copy; const
        // memory.grow drop; const end: 15 operators, 4 ending a block (br_if, return, two ends).
        let body = vec![
            Block {
                blockty: BlockType::Empty,
            },
            LocalGet { local_index: 0 },
            BrIf { relative_depth: 0 },
            I32Const { value: 1 },
            Return,
            End,
            I32Const { value: 0 },
            I32Const { value: 0 },
            I32Const { value: 1 },
            MemoryCopy {
                dst_mem: 0,
                src_mem: 0,
            },
            I32Const { value: 1 },
            MemoryGrow { mem: 0 },
            Drop,
            I32Const { value: 0 },
            End,
        ];
        // 15 + 4·12 + 17 (memory.copy) + 4 (memory.grow, paid) + 12 + 1 + 4·2 (two returns).
        assert_eq!(instrumented_ops(body.clone(), true), 105);
        assert_eq!(instrumented_ops(body, false), 101);
    }

    #[test]
    fn nitro_s_counts_are_limits() {
        let module = |extra: &str| {
            wat::parse_str(format!(
                r#"(module (memory (export "memory") 1 1)
                    (func $f (export "user_entrypoint") (param i32) (result i32) i32.const 0)
                    {extra})"#
            ))
            .unwrap()
        };
        assert!(validate(&module(""), false).is_ok());
        // 1,024 exports in all are fine, 1,025 are not.
        let exports = |n: usize| {
            (0..n)
                .map(|i| format!(r#"(export "e{i}" (func $f))"#))
                .collect::<String>()
        };
        assert!(validate(&module(&exports(1_022)), false).is_ok());
        assert!(validate(&module(&exports(1_023)), false).is_err());
        // A table of more than 4,096 entries.
        assert!(validate(&module("(table 4097 funcref)"), false).is_err());
        // A function of more than 65,536 operators once instrumented (each `nop` is one; its end
        // and what the meter and the depth checker add make 30 more).
        let body = |n: usize| format!("(func {})", "nop ".repeat(n));
        assert!(validate(&module(&body(65_506)), false).is_ok());
        assert!(validate(&module(&body(65_507)), false).is_err());
    }
}
