//! What activation checks in a decompressed program (`stylus-runtime.md` §2) and what it learns
//! about the module's shape, from which Nitro models its init costs.

use wasmparser::{Parser, Payload, TypeRef, Validator, WasmFeatures};

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
    /// Length of the wasm.
    pub wasm_len: u64,
}

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
    let mut defined = 0u64;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::TypeSection(r) => {
                for t in r.into_iter_err_on_gc_types() {
                    let t = t.map_err(|e| e.to_string())?;
                    types.push((t.params().to_vec(), t.results().to_vec()));
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    let imp = imp.map_err(|e| e.to_string())?;
                    if imp.module != "vm_hooks" && imp.module != "console" {
                        return Err(format!("import from module {:?}", imp.module));
                    }
                    if let TypeRef::Func(t) = imp.ty {
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
                }
            }
            Payload::StartSection { .. } => return Err("a start function".into()),
            Payload::GlobalSection(r) => globals += u64::from(r.count()),
            Payload::DataSection(r) => {
                if r.count() > 128 {
                    return Err("more than 128 data segments".into());
                }
                for d in r {
                    let range = d.map_err(|e| e.to_string())?.range;
                    data_len += range.end - range.start;
                }
            }
            Payload::ElementSection(r) => {
                if r.count() > 128 {
                    return Err("more than 128 element segments".into());
                }
                for e in r {
                    let range = e.map_err(|e| e.to_string())?.range;
                    data_len += range.end - range.start;
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
            }
            Payload::ExportSection(r) => {
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
        wasm_len: wasm.len() as u64,
    })
}
