//! Function names from a wasm's `name` custom section, by function index (imports first, the
//! index space the gas profiler reports in).
//!
//! Deployed programs carry no names (`pack` strips every custom section, and release builds strip
//! symbols), but stripping custom sections leaves every function's index as it was, so the names
//! of a build that kept them (same code, `name` section kept) apply to the deployed program.

use std::collections::BTreeMap;

use wasmparser::{KnownCustom, Name, Parser, Payload};

/// The function names `wasm`'s `name` section gives, by function index: empty when it has none.
/// Errors: the module or its `name` section does not parse.
pub fn function_names(wasm: &[u8]) -> Result<BTreeMap<u32, String>, String> {
    let mut names = BTreeMap::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let Payload::CustomSection(section) = payload.map_err(|e| e.to_string())? else {
            continue;
        };
        let KnownCustom::Name(reader) = section.as_known() else {
            continue;
        };
        for subsection in reader {
            if let Name::Function(map) = subsection.map_err(|e| e.to_string())? {
                for naming in map {
                    let naming = naming.map_err(|e| e.to_string())?;
                    names.insert(naming.index, naming.name.to_string());
                }
            }
        }
    }
    Ok(names)
}

/// Whether `a` and `b` define the same functions at the same indices: the same function imports,
/// types, and bodies operator for operator, in the same order, whatever their custom sections and
/// encodings (`pack`'s text round trip re-encodes `call_indirect`). Then the names of one apply
/// to the other. Errors: a module does not parse.
pub fn same_functions(a: &[u8], b: &[u8]) -> Result<bool, String> {
    Ok(functions(a)? == functions(b)?)
}

/// A module's function imports, types, function types and bodies (locals and operators), printed.
fn functions(wasm: &[u8]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::ImportSection(r) => {
                for import in r.into_imports() {
                    let import = import.map_err(|e| e.to_string())?;
                    if let wasmparser::TypeRef::Func(ty) = import.ty {
                        out.push(format!("import {}.{}: {ty}", import.module, import.name));
                    }
                }
            }
            Payload::TypeSection(r) => {
                for ty in r {
                    out.push(format!("type {:?}", ty.map_err(|e| e.to_string())?));
                }
            }
            Payload::FunctionSection(r) => {
                for ty in r {
                    out.push(format!("function: {}", ty.map_err(|e| e.to_string())?));
                }
            }
            Payload::CodeSectionEntry(body) => {
                out.push("body".to_string());
                for locals in body.get_locals_reader().map_err(|e| e.to_string())? {
                    out.push(format!("locals {:?}", locals.map_err(|e| e.to_string())?));
                }
                for op in body.get_operators_reader().map_err(|e| e.to_string())? {
                    out.push(format!("{:?}", op.map_err(|e| e.to_string())?));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}
